//! Names of sources and variables, written as in the papers: a base identifier, an optional
//! index group `[i, j]` and an optional set group `{a, b, c}` (e.g. `X[1,2]`, `Y[3]{1,2,3}`,
//! `N{1,2}`, `Θ[5]`). Sets are sets: `{2,1}` and `{1,2}` name the same thing.
//!
//! The same syntax with ranges declares many names at once (`Z[1..3]`), and with placeholder
//! letters describes the shape of a role (`Y[k]{U1}`).

use std::fmt;

/// A concrete name: canonical form is its `Display`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name {
    pub base: String,
    pub index: Vec<u32>,
    pub set: Option<Vec<u32>>,
}

impl Name {
    pub fn new(base: &str, index: Vec<u32>, set: Option<Vec<u32>>) -> Self {
        let set = set.map(|mut s| {
            s.sort_unstable();
            s.dedup();
            s
        });
        Name {
            base: base.to_string(),
            index,
            set,
        }
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.base)?;
        if !self.index.is_empty() {
            write!(f, "[{}]", join(&self.index))?;
        }
        if let Some(s) = &self.set {
            write!(f, "{{{}}}", join(s))?;
        }
        Ok(())
    }
}

/// Most names (or set members) one declaration may expand to.
pub const MAX_NAMES: usize = 100_000;

pub(crate) fn join(v: &[u32]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// One item inside an index or set group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Int(u32),
    Range(u32, u32),
    Placeholder(String),
}

/// A name as written, before expansion: groups may hold ranges or placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub base: String,
    pub index: Vec<Item>,
    pub set: Option<Vec<Item>>,
}

/// A syntax error at a byte offset of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

pub(crate) fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

pub(crate) fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '\''
}

/// A cursor over text, shared with the expression parser.
pub(crate) struct Cursor<'a> {
    pub text: &'a str,
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }
    pub fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }
    pub fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    pub fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }
    pub fn eat(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }
    pub fn err<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset: self.pos,
            message: message.into(),
        })
    }
    pub fn ident(&mut self) -> Option<String> {
        let start = self.pos;
        if !self.peek().is_some_and(is_ident_start) {
            return None;
        }
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
        Some(self.text[start..self.pos].to_string())
    }
    pub fn uint(&mut self) -> Result<Option<u64>, SyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.bump();
        }
        if start == self.pos {
            return Ok(None);
        }
        match self.text[start..self.pos].parse::<u64>() {
            Ok(v) => Ok(Some(v)),
            Err(_) => Err(SyntaxError {
                offset: start,
                message: format!("number `{}` is too large", &self.text[start..self.pos]),
            }),
        }
    }
}

fn parse_item(c: &mut Cursor) -> Result<Item, SyntaxError> {
    c.skip_ws();
    if let Some(p) = c.ident() {
        return Ok(Item::Placeholder(p));
    }
    let at = c.pos;
    let Some(a) = c.uint()? else {
        return c.err("expected an index (a number, a range `a..b`, or a letter)");
    };
    let small = |v: u64, off: usize| -> Result<u32, SyntaxError> {
        u32::try_from(v).map_err(|_| SyntaxError {
            offset: off,
            message: format!("index {v} is too large"),
        })
    };
    let a = small(a, at)?;
    c.skip_ws();
    if c.eat("..") {
        c.skip_ws();
        let at2 = c.pos;
        let Some(b) = c.uint()? else {
            return c.err("expected the end of the range after `..`");
        };
        let b = small(b, at2)?;
        if b < a {
            return Err(SyntaxError {
                offset: at,
                message: format!("empty range {a}..{b}"),
            });
        }
        return Ok(Item::Range(a, b));
    }
    Ok(Item::Int(a))
}

fn parse_group(c: &mut Cursor, close: char) -> Result<Vec<Item>, SyntaxError> {
    let mut items = vec![parse_item(c)?];
    loop {
        c.skip_ws();
        match c.peek() {
            Some(',') => {
                c.bump();
                items.push(parse_item(c)?);
            }
            Some(ch) if ch == close => {
                c.bump();
                return Ok(items);
            }
            _ => return c.err(format!("expected `,` or `{close}`")),
        }
    }
}

/// Parse a pattern at the cursor (identifier, then optional `[...]`, then optional `{...}`,
/// with no whitespace before the groups).
pub(crate) fn parse_pattern_at(c: &mut Cursor) -> Result<Pattern, SyntaxError> {
    let Some(base) = c.ident() else {
        return c.err("expected a name");
    };
    let mut index = Vec::new();
    if c.peek() == Some('[') {
        c.bump();
        index = parse_group(c, ']')?;
    }
    let mut set = None;
    if c.peek() == Some('{') {
        c.bump();
        set = Some(parse_group(c, '}')?);
    }
    Ok(Pattern { base, index, set })
}

/// Parse a whole string as one pattern.
pub fn parse_pattern(text: &str) -> Result<Pattern, SyntaxError> {
    let mut c = Cursor::new(text);
    c.skip_ws();
    let p = parse_pattern_at(&mut c)?;
    c.skip_ws();
    if c.pos != text.len() {
        return c.err("unexpected text after the name");
    }
    Ok(p)
}

impl Pattern {
    fn has_placeholder(&self) -> bool {
        self.index
            .iter()
            .chain(self.set.iter().flatten())
            .any(|i| matches!(i, Item::Placeholder(_)))
    }

    /// The concrete name, if the pattern has only plain integers.
    pub fn to_name(&self) -> Option<Name> {
        let ints = |items: &[Item]| -> Option<Vec<u32>> {
            items
                .iter()
                .map(|i| match i {
                    Item::Int(v) => Some(*v),
                    _ => None,
                })
                .collect()
        };
        Some(Name::new(
            &self.base,
            ints(&self.index)?,
            match &self.set {
                None => None,
                Some(s) => Some(ints(s)?),
            },
        ))
    }

    /// Expand ranges in the index group (`Z[1..3]` → `Z[1]`, `Z[2]`, `Z[3]`); a range inside
    /// a set group means the set itself (`N{1..3}` = `N{1,2,3}`).
    pub fn expand(&self) -> Result<Vec<Name>, String> {
        if self.has_placeholder() {
            return Err("a declaration needs numbers, not placeholder letters".into());
        }
        // A set is at most MAX_NAMES members (it is materialised; `N{1..4000000000}` is refused
        // before allocating).
        let members: u64 = self.set.iter().flatten().fold(0u64, |n, i| {
            n.saturating_add(match i {
                Item::Range(a, b) => (*b as u64).saturating_sub(*a as u64) + 1,
                _ => 1,
            })
        });
        if members > MAX_NAMES as u64 {
            return Err(format!(
                "a set of {members} members is too large (at most {MAX_NAMES})"
            ));
        }
        let set = self.set.as_ref().map(|s| {
            s.iter()
                .flat_map(|i| match i {
                    Item::Int(v) => *v..=*v,
                    Item::Range(a, b) => *a..=*b,
                    Item::Placeholder(_) => 0..=0,
                })
                .collect::<Vec<u32>>()
        });
        let mut names = vec![Vec::new()];
        for item in &self.index {
            let (a, b) = match item {
                Item::Int(v) => (*v, *v),
                Item::Range(a, b) => (*a, *b),
                Item::Placeholder(_) => (0, 0),
            };
            if ((b - a) as usize + 1).saturating_mul(names.len()) > MAX_NAMES {
                return Err("range declares too many names".into());
            }
            names = names
                .into_iter()
                .flat_map(|prefix: Vec<u32>| {
                    (a..=b).map(move |v| {
                        let mut n = prefix.clone();
                        n.push(v);
                        n
                    })
                })
                .collect();
        }
        Ok(names
            .into_iter()
            .map(|idx| Name::new(&self.base, idx, set.clone()))
            .collect())
    }

    /// The shape of a role pattern: base name, number of indices, whether it has a set.
    pub fn shape(&self) -> (String, usize, bool) {
        (self.base.clone(), self.index.len(), self.set.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_canonical() {
        let p = parse_pattern("Y[3]{3, 1,2}").unwrap();
        assert_eq!(p.to_name().unwrap().to_string(), "Y[3]{1,2,3}");
        let p = parse_pattern(" X[1, 2] ").unwrap();
        assert_eq!(p.to_name().unwrap().to_string(), "X[1,2]");
        assert_eq!(
            parse_pattern("Θ[5]")
                .unwrap()
                .to_name()
                .unwrap()
                .to_string(),
            "Θ[5]"
        );
    }

    #[test]
    fn ranges_expand() {
        let names: Vec<String> = parse_pattern("Z[1..3]")
            .unwrap()
            .expand()
            .unwrap()
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, ["Z[1]", "Z[2]", "Z[3]"]);
        let n = parse_pattern("N{1..3}").unwrap().expand().unwrap();
        assert_eq!(n[0].to_string(), "N{1,2,3}");
    }

    #[test]
    fn bad_names_are_located() {
        let e = parse_pattern("X[1,]").unwrap_err();
        assert_eq!(e.offset, 4);
        let e = parse_pattern("X[3..1]").unwrap_err();
        assert!(e.message.contains("empty range"));
        assert!(parse_pattern("1X").is_err());
        assert!(parse_pattern("X[1] Y").is_err());
        assert!(parse_pattern("X[k]").unwrap().expand().is_err());
    }
}
