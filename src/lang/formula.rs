//! Scalar formulas: one AST ([`Expr`]), three evaluators — exact rational
//! ([`eval_rational`], for regions and constraints), integer ([`eval_int`], for indices; an
//! error if the value is not an integer) and F_p ([`eval_fp`], for coefficients: `/` is the
//! inverse, and a zero divisor is an error naming the bound variables) — plus truth values
//! ([`eval_bool`]) for comparisons, `and`/`or`/`not` and membership.

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};

use super::sets::{err_at, eval, eval_set, Env, Value};
use super::syntax::{BinOp, Expr, ExprKind};
use super::LangError;
use crate::field::Field;

/// The functions of the language (besides graph neighbourhoods `N(k)`, `N[k]`).
pub const FUNCTIONS: &[&str] = &[
    "min", "max", "floor", "ceil", "abs", "binom", "mod", "size", "sum", "subsets", "window",
    "ifelse", "gcd",
];

pub fn is_function(f: &str) -> bool {
    FUNCTIONS.contains(&f)
}

/// Largest exponent `a ^ e` accepted (beyond it the numbers are useless and slow).
const MAX_EXPONENT: i64 = 4096;
/// Largest number of bits of a power's numerator or denominator.
const MAX_BITS: u64 = 1 << 20;
/// Largest `n` in `binom(n, k)`.
const MAX_BINOM: i64 = 1_000_000;

fn rat(i: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(i))
}

/// The values of a comprehension `e for q…` or of a set argument, for `sum`/`min`/`max`.
fn each<F>(e: &Expr, env: &Env, f: &mut F) -> Result<(), LangError>
where
    F: FnMut(&Expr, &Env) -> Result<(), LangError>,
{
    match &e.kind {
        ExprKind::Comp(item, qs) => {
            let mut env = env.clone();
            super::quantifier::for_each(qs, &mut env, &mut |env| f(item, env))
        }
        _ => f(e, env),
    }
}

/// Exact rational value of a numeric formula.
pub fn eval_rational(e: &Expr, env: &Env) -> Result<BigRational, LangError> {
    match &e.kind {
        ExprKind::Int(i) => Ok(rat(*i)),
        ExprKind::Neg(a) => Ok(-eval_rational(a, env)?),
        ExprKind::Bin(op, a, b) => {
            let arith = matches!(
                op,
                BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow
            );
            if !arith {
                return match eval(e, env)? {
                    Value::Int(i) => Ok(rat(i)),
                    other => Err(not_a_number(e, env, &other)),
                };
            }
            let x = eval_rational(a, env)?;
            if *op == BinOp::Pow {
                let n = eval_int(b, env)?;
                if n.abs() > MAX_EXPONENT {
                    return Err(err_at(
                        e,
                        env,
                        format!("the exponent {n} is too large (at most {MAX_EXPONENT})"),
                    ));
                }
                if x.is_zero() && n < 0 {
                    return Err(div_zero(e, env));
                }
                let bits = x.numer().bits().max(x.denom().bits());
                if bits.saturating_mul(n.unsigned_abs()) > MAX_BITS {
                    return Err(err_at(
                        e,
                        env,
                        format!("the power has more than {MAX_BITS} bits"),
                    ));
                }
                return Ok(num_traits::pow::Pow::pow(&x, n as i32));
            }
            let y = eval_rational(b, env)?;
            Ok(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                _ => {
                    if y.is_zero() {
                        return Err(div_zero(e, env));
                    }
                    x / y
                }
            })
        }
        ExprKind::Call(f, args) if is_function(f) && f != "subsets" && f != "window" => {
            let one = |env: &Env| -> Result<BigRational, LangError> {
                match args.as_slice() {
                    [a] => eval_rational(a, env),
                    _ => Err(err_at(e, env, format!("`{f}(x)` takes one argument"))),
                }
            };
            match f.as_str() {
                // `ifelse(c, a, b)`: only the chosen branch is evaluated, so the other may be
                // undefined there (a piecewise region: `ifelse(T == K-2, 1, (K-T-2)/binom(K-T-1, G))`).
                "ifelse" => {
                    let [c, a, b] = args.as_slice() else {
                        return Err(err_at(
                            e,
                            env,
                            "`ifelse(condition, a, b)` takes three arguments".into(),
                        ));
                    };
                    eval_rational(if eval_bool(c, env)? { a } else { b }, env)
                }
                "floor" => Ok(BigRational::from_integer(one(env)?.floor().to_integer())),
                "ceil" => Ok(BigRational::from_integer(one(env)?.ceil().to_integer())),
                "abs" => Ok(one(env)?.abs()),
                "size" => match args.as_slice() {
                    [a] => Ok(rat(eval_set(a, env)?.len() as i64)),
                    _ => Err(err_at(e, env, "`size(S)` takes one set".into())),
                },
                "binom" | "mod" | "gcd" => {
                    let [a, b] = args.as_slice() else {
                        return Err(err_at(e, env, format!("`{f}(a, b)` takes two arguments")));
                    };
                    let (a, b) = (eval_int(a, env)?, eval_int(b, env)?);
                    if f == "gcd" {
                        // gcd(0, 0) = 0; the result is non-negative.
                        let (mut x, mut y) = (a.unsigned_abs(), b.unsigned_abs());
                        while y != 0 {
                            (x, y) = (y, x % y);
                        }
                        return Ok(BigRational::from_integer(BigInt::from(x)));
                    }
                    if f == "mod" {
                        if b == 0 {
                            return Err(div_zero(e, env));
                        }
                        return Ok(rat((a as i128).rem_euclid(b as i128) as i64));
                    }
                    binom(e, env, a, b).map(BigRational::from_integer)
                }
                "sum" | "min" | "max" => {
                    let mut vals: Vec<BigRational> = Vec::new();
                    for a in args {
                        if let ExprKind::Comp(..) = a.kind {
                            each(a, env, &mut |x, env| {
                                vals.push(eval_rational(x, env)?);
                                Ok(())
                            })?;
                        } else if f != "sum" && args.len() == 1 && !is_numeric(a) {
                            match eval(a, env)? {
                                Value::Set(s) => {
                                    for v in s {
                                        match v {
                                            Value::Int(i) => vals.push(rat(i)),
                                            other => return Err(not_a_number(a, env, &other)),
                                        }
                                    }
                                }
                                _ => vals.push(eval_rational(a, env)?),
                            }
                        } else {
                            vals.push(eval_rational(a, env)?);
                        }
                    }
                    match f.as_str() {
                        "sum" => Ok(vals.into_iter().fold(BigRational::zero(), |a, b| a + b)),
                        "min" => vals
                            .into_iter()
                            .min()
                            .ok_or_else(|| err_at(e, env, "`min` of nothing".into())),
                        _ => vals
                            .into_iter()
                            .max()
                            .ok_or_else(|| err_at(e, env, "`max` of nothing".into())),
                    }
                }
                _ => unreachable!("every function is handled"),
            }
        }
        _ => match eval(e, env)? {
            Value::Int(i) => Ok(rat(i)),
            other => Err(not_a_number(e, env, &other)),
        },
    }
}

fn binom(e: &Expr, env: &Env, n: i64, k: i64) -> Result<BigInt, LangError> {
    if n > MAX_BINOM {
        return Err(err_at(
            e,
            env,
            format!("binom({n}, {k}): n is too large (at most {MAX_BINOM})"),
        ));
    }
    if k < 0 || n < 0 || k > n {
        return Ok(BigInt::zero());
    }
    let k = k.min(n - k);
    let mut r = BigInt::one();
    for i in 0..k {
        r = r * BigInt::from(n - i) / BigInt::from(i + 1);
    }
    Ok(r)
}

fn not_a_number(e: &Expr, env: &Env, v: &Value) -> LangError {
    err_at(
        e,
        env,
        format!("expected a number, found {} ({v})", v.kind()),
    )
}

fn div_zero(e: &Expr, env: &Env) -> LangError {
    // `\u{1}` is replaced by the text of the span when the error leaves the parsed string.
    err_at(e, env, "division by zero in `\u{1}`".into())
}

/// Integer value of a formula (an error when it is not an integer or does not fit `i64`).
/// Sums, differences, products and powers of integers are computed in checked `i64`; division,
/// `floor` and `ceil` go through the exact rational evaluator.
pub fn eval_int(e: &Expr, env: &Env) -> Result<i64, LangError> {
    let overflow = || err_at(e, env, "integer overflow".into());
    match &e.kind {
        ExprKind::Int(i) => Ok(*i),
        ExprKind::Ident(n) => match env.get(n) {
            Some(Value::Int(i)) => Ok(*i),
            Some(other) => Err(err_at(
                e,
                env,
                format!("`{n}` is {} ({other}), not an integer", other.kind()),
            )),
            None => Err(LangError::new(e.span, format!("unknown name `{n}`"))),
        },
        ExprKind::Neg(a) => eval_int(a, env)?.checked_neg().ok_or_else(overflow),
        ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul), a, b) => {
            let (x, y) = (eval_int(a, env)?, eval_int(b, env)?);
            match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                _ => x.checked_mul(y),
            }
            .ok_or_else(overflow)
        }
        ExprKind::Bin(BinOp::Pow, a, b) => {
            let (x, n) = (eval_int(a, env)?, eval_int(b, env)?);
            if n < 0 {
                return to_int(e, env, eval_rational(e, env)?);
            }
            let n = u32::try_from(n).map_err(|_| overflow())?;
            x.checked_pow(n).ok_or_else(overflow)
        }
        ExprKind::Call(f, args) if f == "size" && args.len() == 1 => {
            Ok(eval_set(&args[0], env)?.len() as i64)
        }
        ExprKind::Call(f, _) if is_function(f) && f != "subsets" && f != "window" => {
            to_int(e, env, eval_rational(e, env)?)
        }
        ExprKind::Bin(BinOp::Div, ..) => to_int(e, env, eval_rational(e, env)?),
        _ => match eval(e, env)? {
            Value::Int(i) => Ok(i),
            other => Err(not_a_number(e, env, &other)),
        },
    }
}

fn to_int(e: &Expr, env: &Env, q: BigRational) -> Result<i64, LangError> {
    if !q.is_integer() {
        return Err(err_at(e, env, format!("{q} is not an integer")));
    }
    q.to_integer()
        .to_i64()
        .ok_or_else(|| err_at(e, env, format!("{q} does not fit in 64 bits")))
}

/// Truth value of a condition.
pub fn eval_bool(e: &Expr, env: &Env) -> Result<bool, LangError> {
    match &e.kind {
        ExprKind::Not(a) => Ok(!eval_bool(a, env)?),
        ExprKind::Bin(BinOp::And, a, b) => Ok(eval_bool(a, env)? && eval_bool(b, env)?),
        ExprKind::Bin(BinOp::Or, a, b) => Ok(eval_bool(a, env)? || eval_bool(b, env)?),
        ExprKind::Bin(BinOp::In, a, b) => {
            let x = eval(a, env)?;
            Ok(eval_set(b, env)?.binary_search(&x).is_ok())
        }
        ExprKind::Bin(
            op @ (BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge),
            a,
            b,
        ) => {
            let ord = if is_numeric(a) || is_numeric(b) {
                if is_exact_int(a) && is_exact_int(b) {
                    eval_int(a, env)?.cmp(&eval_int(b, env)?)
                } else {
                    eval_rational(a, env)?.cmp(&eval_rational(b, env)?)
                }
            } else {
                let (x, y) = (eval(a, env)?, eval(b, env)?);
                match (&x, &y) {
                    (Value::Int(_), Value::Int(_)) => x.cmp(&y),
                    _ if matches!(op, BinOp::Eq | BinOp::Ne) => x.cmp(&y),
                    _ => {
                        return Err(err_at(
                            e,
                            env,
                            format!("cannot order {} and {}", x.kind(), y.kind()),
                        ))
                    }
                }
            };
            use std::cmp::Ordering::*;
            Ok(match op {
                BinOp::Eq => ord == Equal,
                BinOp::Ne => ord != Equal,
                BinOp::Lt => ord == Less,
                BinOp::Le => ord != Greater,
                BinOp::Gt => ord == Greater,
                _ => ord != Less,
            })
        }
        _ => match eval(e, env)? {
            Value::Bool(b) => Ok(b),
            other => Err(err_at(
                e,
                env,
                format!("expected a condition, found {} ({other})", other.kind()),
            )),
        },
    }
}

/// True when the formula is syntactically a number (arithmetic or a numeric function).
fn is_numeric(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Neg(_) => true,
        ExprKind::Bin(op, ..) => matches!(
            op,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Pow
        ),
        ExprKind::Call(f, _) => is_function(f) && f != "subsets" && f != "window",
        _ => false,
    }
}

/// True when the integer evaluator computes this formula exactly (no division on the way).
fn is_exact_int(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Ident(_) => true,
        ExprKind::Neg(a) => is_exact_int(a),
        ExprKind::Bin(BinOp::Add | BinOp::Sub | BinOp::Mul, a, b) => {
            is_exact_int(a) && is_exact_int(b)
        }
        ExprKind::Call(f, _) => f == "size",
        _ => false,
    }
}

/// Value of a formula in F_p: `+ - * ^` mod p, `/` the inverse (a zero divisor is an error
/// naming the formula and the bound variables); other functions are evaluated exactly and
/// then reduced.
pub fn eval_fp(e: &Expr, env: &Env, field: &Field) -> Result<u32, LangError> {
    let p = field.p() as i64;
    let reduce = |q: BigRational| -> Result<u32, LangError> {
        let m = BigInt::from(p);
        let modp = |x: &BigInt| ((x % &m) + &m) % &m;
        let n = modp(q.numer()).to_u32().unwrap_or(0);
        let d = modp(q.denom()).to_u32().unwrap_or(0);
        match field.inv(d) {
            Some(di) => Ok(field.mul(n, di)),
            None => Err(div_zero(e, env)),
        }
    };
    match &e.kind {
        ExprKind::Int(i) => Ok(field.from_i64(*i)),
        ExprKind::Neg(a) => Ok(field.neg(eval_fp(a, env, field)?)),
        ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
            let (x, y) = (eval_fp(a, env, field)?, eval_fp(b, env, field)?);
            Ok(match op {
                BinOp::Add => field.add(x, y),
                BinOp::Sub => field.sub(x, y),
                BinOp::Mul => field.mul(x, y),
                _ => match field.inv(y) {
                    Some(yi) => field.mul(x, yi),
                    None => return Err(div_zero(e, env)),
                },
            })
        }
        ExprKind::Bin(BinOp::Pow, a, b) => {
            let x = eval_fp(a, env, field)?;
            let n = eval_int(b, env)?;
            if n < 0 {
                let xi = field.inv(x).ok_or_else(|| div_zero(e, env))?;
                Ok(field.pow(xi, n.unsigned_abs()))
            } else {
                Ok(field.pow(x, n as u64))
            }
        }
        _ => match eval(e, env)? {
            Value::Int(i) => Ok(field.from_i64(i)),
            _ => reduce(eval_rational(e, env)?),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::parse_expr;

    fn env() -> Env {
        let mut e = Env::new();
        e.define("K", Value::Int(4));
        e.define("U", Value::Int(3));
        e.define("T", Value::Int(1));
        e.define("V", Value::Int(2));
        e
    }

    fn q(src: &str) -> String {
        eval_rational(&parse_expr(src).unwrap(), &env())
            .unwrap()
            .to_string()
    }

    #[test]
    fn rational_formulas() {
        assert_eq!(q("1/(U-T)"), "1/2");
        assert_eq!(q("min(U+V+T-2, U*V-1)"), "4");
        assert_eq!(q("max(1, K/3)"), "4/3");
        assert_eq!(q("floor(K/3) + ceil(K/3)"), "3");
        assert_eq!(q("binom(K, 2) - 2^3 + (-2)^-1"), "-5/2");
        assert_eq!(q("mod(-1, K)"), "3");
        assert_eq!(q("abs(T - U)"), "2");
        assert_eq!(q("sum(k for k in 1..K)"), "10");
        assert_eq!(q("sum(1/k for k in 1..2)"), "3/2");
        assert_eq!(q("max(k*k for k in 1..K if k != 4)"), "9");
        assert_eq!(q("min({3, 1, 2})"), "1");
        assert_eq!(q("-2^2"), "-4");
        // Piecewise: the branch not taken is not evaluated (1/(T-1) is 1/0 at T = 1).
        assert_eq!(q("ifelse(T == 1, 7, 1/(T-1))"), "7");
        assert_eq!(q("ifelse(T != 1, 7, U/(T+1))"), "3/2");
        assert_eq!(q("2 * ifelse(K > 3 and T < 1, 1, binom(K, 2))"), "12");
        let e = env();
        let bad = |s: &str| {
            eval_rational(&parse_expr(s).unwrap(), &e)
                .unwrap_err()
                .message
        };
        assert!(bad("ifelse(T == 1, 2)").contains("takes three arguments"));
        assert_eq!(q("gcd(12, -18) + gcd(0, 5) + gcd(0, 0)"), "11");
        assert_eq!(q("binom(6, 2) / gcd(5, binom(6, 2))"), "3");
        assert!(bad("ifelse(T, 1, 2)").contains("expected a condition"));
        assert!(bad("ifelse(T == 0, 1, 1/(T-1))").contains("division by zero"));
    }

    #[test]
    fn integer_and_boolean_formulas() {
        let e = env();
        let i = |s: &str| eval_int(&parse_expr(s).unwrap(), &e);
        let b = |s: &str| eval_bool(&parse_expr(s).unwrap(), &e).unwrap();
        assert_eq!(i("K*(K-1)/2").unwrap(), 6);
        assert!(i("K/3")
            .unwrap_err()
            .message
            .contains("4/3 is not an integer"));
        assert!(i("9223372036854775807 + 1")
            .unwrap_err()
            .message
            .contains("overflow"));
        assert!(i("2^100").unwrap_err().message.contains("overflow"));
        assert!(b("U > T and T <= U*V - 1"));
        assert!(!b("not (U > T) or K == 5"));
        assert!(b("K/3 > 1"));
        assert!(b("{1,2} == {2,1}"));
        assert!(b("2 in 1..K"));
    }

    #[test]
    fn fp_formulas_and_zero_divisors() {
        let f = Field::new(7).unwrap();
        let mut e = env();
        e.push("k", Value::Int(2));
        e.push("j", Value::Int(-2));
        let fp = |s: &str, e: &Env| eval_fp(&parse_expr(s).unwrap(), e, &f);
        assert_eq!(fp("1/3", &e).unwrap(), 5);
        // -1/(K + j + k) = -1/4 = -2 = 5 (mod 7).
        assert_eq!(fp("-1/(K + j + k)", &e).unwrap(), 5);
        let err = fp("1/(k - (K + j))", &e)
            .unwrap_err()
            .in_source("1/(k - (K + j))");
        assert_eq!(
            err.message,
            "division by zero in `1/(k - (K + j))` at k=2, j=-2"
        );
        // A rational ≡ 0 mod p in the denominator is a zero divisor too.
        assert!(fp("1/7", &e).is_err());
        assert_eq!(fp("3^-1", &e).unwrap(), 5);
    }
}
