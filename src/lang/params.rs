//! Parameter assignments on the command line: `--set NAME=VALUE` and
//! `--grid 'K=3..8, U=2..K-1, T=0..U-1'` (a grid is a nest of quantifiers over parameters:
//! each range may use the parameters before it).

use super::sets::{eval, Env, Value};
use super::syntax::Expr;
use super::LangError;
use crate::scheme::Span;

/// `NAME=VALUE`: the name (a parameter's spec name such as `min-survivors`, or its symbol such
/// as `U`) and the value formula, with their spans in the argument.
#[derive(Debug, Clone)]
pub struct Assignment {
    pub name: String,
    pub name_span: Span,
    pub value: Expr,
    /// The argument the assignment was parsed from.
    pub src: String,
}

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    matches!(c.next(), Some(ch) if ch.is_alphabetic() || ch == '_')
        && n.chars()
            .all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-' || ch == '\'')
}

fn assignment_at(src: &str, offset: usize, part: &str) -> Result<Assignment, LangError> {
    let Some(eq) = part.find('=') else {
        return Err(LangError::new(
            Span::from(offset..offset + part.len()),
            format!("expected NAME=VALUE, found `{}`", part.trim()),
        ));
    };
    let raw = &part[..eq];
    let name = raw.trim();
    let lead = raw.len() - raw.trim_start().len();
    let name_span = Span::from(offset + lead..offset + lead + name.len());
    if !valid_name(name) {
        return Err(LangError::new(
            name_span,
            format!("`{name}` is not a parameter name"),
        ));
    }
    let value_src = &part[eq + 1..];
    let value = super::parse_expr(value_src)
        .map_err(|e| e.in_source(value_src).shifted(offset + eq + 1))?;
    let value = shift_expr(value, offset + eq + 1);
    Ok(Assignment {
        name: name.to_string(),
        name_span,
        value,
        src: src.to_string(),
    })
}

fn shift_expr(mut e: Expr, by: usize) -> Expr {
    super::syntax::shift(&mut e, by);
    e
}

/// Parse one `--set NAME=VALUE` argument.
pub fn parse_assignment(src: &str) -> Result<Assignment, LangError> {
    assignment_at(src, 0, src)
}

impl Assignment {
    /// The value as an integer, evaluated with `env` (so `--set T=U-1` may use other parameters).
    pub fn int_value(&self, env: &Env) -> Result<i64, LangError> {
        super::formula::eval_int(&self.value, env).map_err(|e| e.in_source(&self.src))
    }
}

/// A grid of parameter values: a nest over the parameters, in the order written.
#[derive(Debug, Clone)]
pub struct Grid {
    pub dims: Vec<Assignment>,
    pub src: String,
}

/// Split at commas outside brackets.
fn top_level_parts(src: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in src.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push((start, &src[start..i]));
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push((start, &src[start..]));
    out
}

/// Parse `K=3..8, U=2..K-1, T=0..U-1` (each value a range, a set `{3,5}` or one integer).
pub fn parse_grid(src: &str) -> Result<Grid, LangError> {
    let mut dims: Vec<Assignment> = Vec::new();
    for (offset, part) in top_level_parts(src) {
        let a = assignment_at(src, offset, part)?;
        if dims.iter().any(|d| d.name == a.name) {
            return Err(LangError::new(
                a.name_span,
                format!("`{}` is given twice in the grid", a.name),
            ));
        }
        dims.push(a);
    }
    Ok(Grid {
        dims,
        src: src.to_string(),
    })
}

impl Grid {
    /// Every point of the grid, outer parameters varying slowest; `env` holds the fixed
    /// parameters (each dimension sees those and the dimensions before it).
    pub fn points(&self, env: &Env) -> Result<Vec<Vec<(String, i64)>>, LangError> {
        let mut out = Vec::new();
        let mut env = env.clone();
        let mut cur = Vec::new();
        self.walk(0, &mut env, &mut cur, &mut out)?;
        Ok(out)
    }

    fn walk(
        &self,
        i: usize,
        env: &mut Env,
        cur: &mut Vec<(String, i64)>,
        out: &mut Vec<Vec<(String, i64)>>,
    ) -> Result<(), LangError> {
        let Some(d) = self.dims.get(i) else {
            out.push(cur.clone());
            return Ok(());
        };
        let values: Vec<i64> = match eval(&d.value, env).map_err(|e| e.in_source(&self.src))? {
            Value::Int(v) => vec![v],
            Value::Set(v) => v
                .iter()
                .map(|x| {
                    x.as_int().ok_or_else(|| {
                        LangError::new(
                            d.value.span,
                            format!("the values of `{}` must be integers, found {x}", d.name),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
            other => {
                return Err(LangError::new(
                    d.value.span,
                    format!(
                        "the values of `{}` must be an integer, a range or a set, found {}",
                        d.name,
                        other.kind()
                    ),
                ))
            }
        };
        for v in values {
            let depth = env.depth();
            env.push(&d.name, Value::Int(v));
            cur.push((d.name.clone(), v));
            self.walk(i + 1, env, cur, out)?;
            cur.pop();
            env.truncate(depth);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_parse_and_evaluate() {
        let a = parse_assignment("min-survivors=3").unwrap();
        assert_eq!(a.name, "min-survivors");
        assert_eq!(a.int_value(&Env::new()).unwrap(), 3);
        let mut env = Env::new();
        env.define("U", Value::Int(4));
        let a = parse_assignment(" T = U - 1").unwrap();
        assert_eq!((a.name.as_str(), a.name_span), ("T", Span::from(1..2)));
        assert_eq!(a.int_value(&env).unwrap(), 3);
        let e = parse_assignment("T").unwrap_err();
        assert!(e.message.contains("NAME=VALUE"));
        let e = parse_assignment("T=1+").unwrap_err();
        assert_eq!(e.span.start, 4, "{e:?}");
        let e = parse_assignment("2x=1").unwrap_err();
        assert!(e.message.contains("not a parameter name"));
        let e = parse_assignment("T=V")
            .unwrap()
            .int_value(&env)
            .unwrap_err();
        assert!(e.message.contains("unknown name `V`"));
    }

    #[test]
    fn grids_are_nests() {
        let g = parse_grid("K=3..4, U=2..K-1, T=0..U-1").unwrap();
        let pts = g.points(&Env::new()).unwrap();
        let shown: Vec<String> = pts
            .iter()
            .map(|p| {
                p.iter()
                    .map(|(_, v)| v.to_string())
                    .collect::<Vec<_>>()
                    .join("")
            })
            .collect();
        assert_eq!(shown, ["320", "321", "420", "421", "430", "431", "432"]);
        let g = parse_grid("K={3,5}, p=7").unwrap();
        assert_eq!(g.points(&Env::new()).unwrap().len(), 2);
        let e = parse_grid("K=3..4, K=5").unwrap_err();
        assert!(e.message.contains("given twice"));
        assert_eq!(e.span.start, 8);
        let e = parse_grid("K=3..4, U=2..W")
            .unwrap()
            .points(&Env::new())
            .unwrap_err();
        assert!(e.message.contains("unknown name `W`"));
        assert_eq!(e.span.start, 13);
    }
}
