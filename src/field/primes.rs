//! Primality for the whole `u64` range (the field size p of a region may exceed the
//! verifier's 2^31 limit: it only enters as `log p`).

/// Deterministic Miller–Rabin: these twelve bases are exact for every n < 2^64.
pub fn is_prime(n: u64) -> bool {
    const BASES: [u64; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
    if n < 2 {
        return false;
    }
    for b in BASES {
        if n % b == 0 {
            return n == b;
        }
    }
    let (mut d, mut r) = (n - 1, 0u32);
    while d % 2 == 0 {
        d /= 2;
        r += 1;
    }
    'bases: for a in BASES {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..r {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

/// The smallest prime strictly greater than `n`, if it fits in a `u64`.
pub fn next_prime_above(n: u128) -> Option<u64> {
    let mut c = n.checked_add(1)?;
    while c <= u64::MAX as u128 {
        if is_prime(c as u64) {
            return Some(c as u64);
        }
        c += 1;
    }
    None
}

fn mul_mod(a: u64, b: u64, m: u64) -> u64 {
    (a as u128 * b as u128 % m as u128) as u64
}

fn pow_mod(mut a: u64, mut e: u64, m: u64) -> u64 {
    let mut acc = 1u64;
    a %= m;
    while e > 0 {
        if e & 1 == 1 {
            acc = mul_mod(acc, a, m);
        }
        a = mul_mod(a, a, m);
        e >>= 1;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_trial_division_on_small_numbers() {
        for n in 0..5000u64 {
            assert_eq!(is_prime(n), crate::field::is_prime(n), "{n}");
        }
    }

    #[test]
    fn handles_large_primes_and_pseudoprimes() {
        assert!(is_prime((1 << 31) - 1));
        assert!(is_prime((1 << 61) - 1));
        assert!(is_prime(u64::MAX - 58)); // largest prime below 2^64
        assert!(!is_prime(3_215_031_751)); // strong pseudoprime to bases 2, 3, 5, 7
        assert!(!is_prime(u64::MAX));
    }

    #[test]
    fn next_prime_is_strictly_above() {
        assert_eq!(next_prime_above(10), Some(11));
        assert_eq!(next_prime_above(11), Some(13));
        assert_eq!(next_prime_above(0), Some(2));
        assert_eq!(next_prime_above(u64::MAX as u128 - 58), None);
        assert_eq!(next_prime_above(u64::MAX as u128 - 59), Some(u64::MAX - 58));
    }
}
