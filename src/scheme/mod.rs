//! The data model of a linear scheme — source symbols, named variables as blocks of rows over
//! the source columns, model parameters and roles — and the spec reader ([`spec`]).
//!
//! Column order is fixed: randomness (key/noise) columns first, input columns last. The
//! verifier relies on it: a combination of rows whose leading column is an input column is
//! key-free, i.e. something the holder of those rows learns about the inputs.

pub mod expr;
pub mod json;
pub mod names;
pub mod spec;

use std::collections::HashMap;

use crate::field::{Field, SparseRow};
pub use json::{read_json_spec_str, toml_spec_to_json};
pub use names::{Name, Pattern};
pub use spec::{read_spec, read_spec_str, SpecError};

/// Byte range in the spec text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span {
            start: r.start,
            end: r.end,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Input,
    Randomness,
}

/// A block of independent uniform source symbols (columns `start..start+len`).
#[derive(Debug, Clone)]
pub struct Source {
    pub name: Name,
    pub kind: SourceKind,
    pub start: usize,
    pub len: usize,
    pub span: Span,
}

/// A named variable: `rows[i]` is the coefficient vector of its i-th symbol, stored sparse
/// (dense copies: [`Scheme::rows`]).
#[derive(Debug, Clone)]
pub struct Variable {
    pub name: Name,
    pub rows: Vec<SparseRow>,
    /// For a stack of named parts (`R[1] = ["Z[1]", "Y[1]{1,2}"]`): the name of each row,
    /// used in witnesses; empty otherwise (rows are then `R[1](j)`).
    pub row_names: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub value: i64,
    pub span: Span,
}

/// `role = "X[k]"`: which named blocks play a part of the model.
#[derive(Debug, Clone)]
pub struct Role {
    pub role: String,
    pub pattern: Pattern,
    pub span: Span,
}

/// The `[expect]` table: what `itsa test` should find when it verifies this spec.
#[derive(Debug, Clone, Default)]
pub struct Expectation {
    /// `"verified"` or `"violated"`.
    pub verdict: Option<String>,
    /// Expected number of failed checks per condition family, with the entry's span.
    pub failures: Vec<(String, u64, Span)>,
    /// Expected achieved rates (e.g. `R2 = "1/2"`), with the entry's span.
    pub rates: Vec<(String, String, Span)>,
    pub span: Span,
}

/// Where a scheme came from, for located error messages.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockRef {
    Source(usize),
    Variable(usize),
}

#[derive(Debug, Clone)]
pub struct Scheme {
    pub title: Option<String>,
    pub reference: Option<String>,
    pub field: Field,
    pub model: String,
    pub model_span: Span,
    pub input_length: usize,
    pub params: Vec<Param>,
    pub roles: Vec<Role>,
    /// In column order: randomness first, then inputs.
    pub sources: Vec<Source>,
    pub variables: Vec<Variable>,
    pub num_columns: usize,
    /// First input column; columns before it are randomness.
    pub input_start: usize,
    pub origin: Origin,
    /// The `[expect]` table, if the spec has one.
    pub expect: Option<Expectation>,
    pub(crate) lookup: HashMap<Name, BlockRef>,
}

impl Scheme {
    pub fn block(&self, name: &Name) -> Option<BlockRef> {
        self.lookup.get(name).copied()
    }

    /// The name of each row of a source or variable: its parts' names for a stack of named
    /// parts, else `X` (one row) or `X(1)`, `X(2)`, ….
    pub fn row_names(&self, name: &Name) -> Option<Vec<String>> {
        Some(match self.block(name)? {
            BlockRef::Variable(i) if !self.variables[i].row_names.is_empty() => {
                self.variables[i].row_names.clone()
            }
            BlockRef::Variable(i) => {
                spec::component_names(&name.to_string(), self.variables[i].rows.len())
            }
            BlockRef::Source(i) => spec::component_names(&name.to_string(), self.sources[i].len),
        })
    }

    /// The rows of a source or variable, dense (`num_columns` entries each).
    pub fn rows(&self, name: &Name) -> Option<Vec<Vec<u32>>> {
        Some(match self.block(name)? {
            BlockRef::Source(i) => self.source_rows(&self.sources[i]),
            BlockRef::Variable(i) => self.variables[i]
                .rows
                .iter()
                .map(|r| r.to_dense(self.num_columns))
                .collect(),
        })
    }

    /// The rows of a source or variable, sparse.
    pub fn sparse_rows(&self, name: &Name) -> Option<Vec<SparseRow>> {
        Some(match self.block(name)? {
            BlockRef::Source(i) => {
                let s = &self.sources[i];
                (s.start..s.start + s.len).map(SparseRow::unit).collect()
            }
            BlockRef::Variable(i) => self.variables[i].rows.clone(),
        })
    }

    /// Number of symbols (rows) of a source or variable.
    pub fn num_rows(&self, name: &Name) -> Option<usize> {
        Some(match self.block(name)? {
            BlockRef::Source(i) => self.sources[i].len,
            BlockRef::Variable(i) => self.variables[i].rows.len(),
        })
    }

    pub fn source_rows(&self, s: &Source) -> Vec<Vec<u32>> {
        (0..s.len)
            .map(|j| {
                let mut r = vec![0; self.num_columns];
                r[s.start + j] = 1;
                r
            })
            .collect()
    }

    /// Span of a source's or variable's declaration.
    pub fn span_of(&self, name: &Name) -> Option<Span> {
        Some(match self.block(name)? {
            BlockRef::Source(i) => self.sources[i].span,
            BlockRef::Variable(i) => self.variables[i].span,
        })
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    pub fn role(&self, role: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.role == role)
    }

    pub fn inputs(&self) -> impl Iterator<Item = &Source> {
        self.sources.iter().filter(|s| s.kind == SourceKind::Input)
    }

    /// Human label of one column, e.g. `Z[1](2)`, or `Z[1]` for a one-symbol source.
    pub fn column_label(&self, col: usize) -> String {
        let s = self
            .sources
            .iter()
            .find(|s| col >= s.start && col < s.start + s.len)
            .expect("column belongs to a source");
        if s.len == 1 {
            s.name.to_string()
        } else {
            format!("{}({})", s.name, col - s.start + 1)
        }
    }

    /// A row over the source columns as a linear expression, e.g. `3·Θ[2](1) + Z[1]`.
    pub fn format_row(&self, row: &[u32]) -> String {
        format_combination(
            row.iter()
                .enumerate()
                .map(|(c, &v)| (v, self.column_label(c))),
        )
    }

    /// Does the row involve any input column?
    pub fn touches_inputs(&self, row: &[u32]) -> bool {
        row[self.input_start..].iter().any(|&v| v != 0)
    }

    /// Located error for a span of this scheme's spec.
    pub fn error_at(&self, span: Span, message: impl Into<String>) -> SpecError {
        spec::located(&self.origin, span.start, message.into())
    }
}

/// `c1·a + c2·b + ...`, skipping zero coefficients and writing 1·a as a; `0` if empty.
pub fn format_combination(terms: impl IntoIterator<Item = (u32, String)>) -> String {
    let parts: Vec<String> = terms
        .into_iter()
        .filter(|(c, _)| *c != 0)
        .map(|(c, l)| if c == 1 { l } else { format!("{c}·{l}") })
        .collect();
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join(" + ")
    }
}
