//! Certificates for the report, computed with tracking columns on the same elimination
//! routine: decoding coefficients for decodable targets, the missing part of undecodable
//! ones, and key-free combinations of view rows for leaks.

use serde::Serialize;

use super::{BlockId, Blocks};
use crate::field::Echelon;
use crate::scheme::{format_combination, Scheme};

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Term {
    pub row: String,
    pub coef: u32,
}

/// `target = Σ coef · view row`.
#[derive(Debug, Clone, Serialize)]
pub struct Decoder {
    pub target: String,
    pub terms: Vec<Term>,
    pub expression: String,
}

/// A target row that the view does not determine, with the part left after elimination.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    pub target: String,
    pub residual: String,
}

/// A combination of view rows (plus, possibly, rows the adversary is allowed to know) whose
/// key/noise part cancels, revealing an input combination that the allowed knowledge does not.
#[derive(Debug, Clone, Serialize)]
pub struct Witness {
    pub combination: Vec<Term>,
    pub expression: String,
    /// Coefficients on the rows the adversary may know (sum, colluders' state).
    pub known: Vec<Term>,
    pub known_expression: Option<String>,
    /// The revealed combination of input symbols.
    pub reveals: String,
    /// The same, as a row over the source columns.
    #[serde(skip)]
    pub reveals_row: Vec<u32>,
}

fn rows_and_labels(blocks: &Blocks, ids: &[BlockId]) -> (Vec<Vec<u32>>, Vec<String>) {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for &id in ids {
        let b = blocks.get(id);
        rows.extend(b.dense_rows());
        labels.extend(b.row_labels());
    }
    (rows, labels)
}

fn augmented(row: &[u32], slot: Option<usize>, width: usize) -> Vec<u32> {
    let mut v = Vec::with_capacity(width);
    v.extend_from_slice(row);
    v.resize(width, 0);
    if let Some(s) = slot {
        v[row.len() + s] = 1;
    }
    v
}

fn terms(coefs: &[u32], labels: &[String]) -> Vec<Term> {
    coefs
        .iter()
        .zip(labels)
        .filter(|(c, _)| **c != 0)
        .map(|(&coef, l)| Term {
            row: l.clone(),
            coef,
        })
        .collect()
}

fn expression(t: &[Term]) -> String {
    format_combination(t.iter().map(|t| (t.coef, t.row.clone())))
}

/// Express each target row through the view rows.
pub fn decode(
    scheme: &Scheme,
    blocks: &Blocks,
    view: &[BlockId],
    target: &[BlockId],
) -> (Vec<Decoder>, Vec<Missing>) {
    let f = scheme.field;
    let n = scheme.num_columns;
    let (vrows, vlabels) = rows_and_labels(blocks, view);
    let (trows, tlabels) = rows_and_labels(blocks, target);
    let width = n + vrows.len();
    let mut e = Echelon::new(f, width, n);
    for (i, r) in vrows.iter().enumerate() {
        e.insert(&augmented(r, Some(i), width));
    }
    let mut decoders = Vec::new();
    let mut missing = Vec::new();
    for (t, label) in trows.iter().zip(&tlabels) {
        let red = e.reduce(&augmented(t, None, width));
        if red.lead.is_none() {
            let coefs: Vec<u32> = red.residual[n..].iter().map(|&v| f.neg(v)).collect();
            let tm = terms(&coefs, &vlabels);
            decoders.push(Decoder {
                target: label.clone(),
                expression: expression(&tm),
                terms: tm,
            });
        } else {
            missing.push(Missing {
                target: label.clone(),
                residual: scheme.format_row(&red.residual[..n]),
            });
        }
    }
    (decoders, missing)
}

/// A basis of the leaked input combinations, each with the view combination that reveals it.
pub fn leaks(scheme: &Scheme, blocks: &Blocks, view: &[BlockId], cond: &[BlockId]) -> Vec<Witness> {
    let n = scheme.num_columns;
    let (crows, clabels) = rows_and_labels(blocks, cond);
    let (vrows, vlabels) = rows_and_labels(blocks, view);
    let width = n + crows.len() + vrows.len();
    let mut e = Echelon::with_split(scheme.field, width, n, scheme.input_start);
    for (i, r) in crows.iter().enumerate() {
        e.insert(&augmented(r, Some(i), width));
    }
    let mut out = Vec::new();
    for (i, r) in vrows.iter().enumerate() {
        let before = e.tail_rank();
        e.insert(&augmented(r, Some(crows.len() + i), width));
        if e.tail_rank() > before {
            let row = e.row(e.rank() - 1);
            let known = terms(&row[n..n + crows.len()], &clabels);
            let combination = terms(&row[n + crows.len()..], &vlabels);
            out.push(Witness {
                expression: expression(&combination),
                known_expression: (!known.is_empty()).then(|| expression(&known)),
                combination,
                known,
                reveals: scheme.format_row(&row[..n]),
                reveals_row: row[..n].to_vec(),
            });
        }
    }
    out
}

/// A basis of the target combinations the view determines (for `Hidden` failures), each with
/// the combination of view rows that equals it, scaled so the revealed row starts with 1.
pub fn reveals(
    scheme: &Scheme,
    blocks: &Blocks,
    view: &[BlockId],
    target: &[BlockId],
) -> Vec<Witness> {
    let f = scheme.field;
    let n = scheme.num_columns;
    let (trows, _) = rows_and_labels(blocks, target);
    let (vrows, vlabels) = rows_and_labels(blocks, view);
    let width = n + trows.len() + vrows.len();
    // Target rows first: a view row that then reduces to zero on the source columns closes a
    // relation Σ c·view = Σ a·target, i.e. reveals Σ a·target.
    let mut e = Echelon::new(f, width, n);
    for (i, r) in trows.iter().enumerate() {
        e.insert(&augmented(r, Some(i), width));
    }
    let mut found = Echelon::new(f, n, n);
    let mut out = Vec::new();
    for (j, r) in vrows.iter().enumerate() {
        let row = augmented(r, Some(trows.len() + j), width);
        let red = e.reduce(&row);
        if red.lead.is_some() {
            e.insert(&row);
            continue;
        }
        // Σ_t res_t·target + Σ_v res_v·view = 0 on the sources: the view part equals −Σ res_t·target.
        let mut revealed = vec![0u32; n];
        for (i, t) in trows.iter().enumerate() {
            f.axpy(&mut revealed, f.neg(red.residual[n + i]), t);
        }
        let Some(lead) = revealed.iter().position(|&v| v != 0) else {
            continue; // a relation among view rows alone
        };
        if found.insert(&revealed).is_none() {
            continue; // already explained by an earlier witness
        }
        let scale = f.inv(revealed[lead]).expect("nonzero lead");
        let coefs: Vec<u32> = red.residual[n + trows.len()..]
            .iter()
            .map(|&c| f.mul(c, scale))
            .collect();
        let reveals_row: Vec<u32> = revealed.iter().map(|&v| f.mul(v, scale)).collect();
        let combination = terms(&coefs, &vlabels);
        out.push(Witness {
            expression: expression(&combination),
            combination,
            known: vec![],
            known_expression: None,
            reveals: scheme.format_row(&reveals_row),
            reveals_row,
        });
    }
    out
}
