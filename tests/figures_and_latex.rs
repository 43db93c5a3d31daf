//! `itsa region … --plot-region X,Y -o FILE` (SVG, PDF, PGF) and `itsa verify --latex`.

mod common;
use common::*;

fn region_plot(extra: &[&str], out: &std::path::Path) -> std::process::Output {
    let mut args = vec![
        "region",
        "dropout",
        "--users",
        "4",
        "--min-survivors",
        "3",
        "--colluders",
        "1",
        "--plot-region",
        "R1,R2",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    itsa(&args)
}

#[test]
fn the_region_figure_is_written_as_svg_pdf_and_pgf() {
    let dir = tempfile::tempdir().unwrap();
    let good = spec("construct-dropout-K4-U3-T1.toml");
    let good = good.to_str().unwrap();
    // A deliberately broken scheme with the same parameters: drawn hollow, "(violated)".
    let text = std::fs::read_to_string(good).unwrap();
    let broken_text = text.replacen("\"X[1]\" = \"", "\"X[1]\" = \"W[2] + ", 1);
    assert_ne!(
        text, broken_text,
        "the spec has an X[1] definition to break"
    );
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, broken_text).unwrap();

    let svg = dir.path().join("r.svg");
    let o = region_plot(
        &[
            "--spec",
            good,
            "--spec",
            broken.to_str().unwrap(),
            "--title",
            "K = 4",
        ],
        &svg,
    );
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let s = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&s).expect("well-formed SVG");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
                .replace('\u{200b}', "")
        })
        .collect();
    assert!(texts.contains(&"R1 ≥ 1".to_string()), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("≥ 1/2")), "{texts:?}");
    assert!(texts.contains(&"K = 4".to_string()), "the title");
    assert!(texts.iter().any(|t| t == "broken (violated)"), "{texts:?}");
    assert!(
        texts.iter().any(|t| t == "construct-dropout-K4-U3-T1"),
        "{texts:?}"
    );
    assert!(
        !texts.iter().any(|t| t.contains("itsa")),
        "no banner: {texts:?}"
    );
    let circles: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .collect();
    assert_eq!(circles.len(), 3, "corner + two schemes");
    assert_eq!(
        circles
            .iter()
            .filter(|c| c.attribute("fill") == Some("white"))
            .count(),
        1,
        "the violated scheme is hollow"
    );
    // Size in points from --size.
    let sized = dir.path().join("s.svg");
    assert_eq!(code(&region_plot(&["--size", "3inx2in"], &sized)), 0);
    let s = std::fs::read_to_string(&sized).unwrap();
    assert!(
        s.contains(r#"width="216.00pt" height="144.00pt""#),
        "{}",
        &s[..200]
    );

    let pdf = dir.path().join("r.pdf");
    assert_eq!(code(&region_plot(&["--spec", good], &pdf)), 0);
    let b = std::fs::read(&pdf).unwrap();
    assert!(b.starts_with(b"%PDF-"));
    assert!(b.windows(5).any(|w| w == b"%%EOF"));
    assert!(b.windows(9).any(|w| w == b"/Symbol\n") || b.windows(7).any(|w| w == b"/Symbol"));

    let pgf = dir.path().join("r.pgf");
    assert_eq!(code(&region_plot(&[], &pgf)), 0);
    let t = std::fs::read_to_string(&pgf).unwrap();
    assert!(t.contains("\\begin{tikzpicture}") && t.contains("\\end{tikzpicture}"));
    assert!(
        t.contains("$R_1 \\geq 1$") && t.contains("R_2 \\geq \\tfrac{1}{2}"),
        "{t}"
    );
}

#[test]
fn bad_figure_requests_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let o = region_plot(&[], &dir.path().join("r.png"));
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains(".svg, .pdf, .pgf or .tex"));
    let o = region_plot(&["--size", "huge"], &dir.path().join("r.svg"));
    assert_eq!(code(&o), 2);
    // A scheme at other parameters cannot be drawn on this region.
    let other = spec("zhao-sun-example1.toml");
    let o = region_plot(
        &["--spec", other.to_str().unwrap()],
        &dir.path().join("r.svg"),
    );
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("the scheme has users = 3"));
    let o = itsa(&[
        "region",
        "dropout",
        "--users",
        "4",
        "--min-survivors",
        "3",
        "--colluders",
        "1",
        "--plot-region",
        "R1,R9",
        "-o",
        dir.path().join("r.svg").to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    // An infeasible instance draws the reason instead of a region.
    let inf = dir.path().join("inf.svg");
    let o = itsa(&[
        "region",
        "dropout",
        "--users",
        "4",
        "--min-survivors",
        "2",
        "--colluders",
        "2",
        "--plot-region",
        "R1,R2",
        "-o",
        inf.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0);
    assert!(std::fs::read_to_string(&inf)
        .unwrap()
        .contains("infeasible: U ≤ T"));
}

#[test]
fn verify_latex_prints_failures_and_decoders_as_equations() {
    let p = spec("broken-example1-against-t1.toml");
    let o = itsa(&["verify", p.to_str().unwrap(), "--latex"]);
    assert_eq!(code(&o), 1);
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(
        t.contains("\\paragraph{security (12 of 16 checks fail).}"),
        "{t}"
    );
    assert!(t.contains("\\begin{align*}"));
    // Spec names, as math: the colluder's share Y[1]{1,3} and the revealed inputs.
    assert!(t.contains("Y_{1}^{\\{1,3\\}}"), "{t}");
    assert!(t.contains("&= W_{3}(1) + W_{3}(2)"), "{t}");
    assert!(!t.contains('·'), "no text-report dots in LaTeX");

    let p = spec("weng-seed003-corrected.toml");
    let o = itsa(&["verify", p.to_str().unwrap(), "--latex", "--show-decoders"]);
    assert_eq!(code(&o), 0);
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("Decoders of passing checks"), "{t}");
    assert!(t.contains("\\Sigma \\Theta(1) &= "), "{t}");
    let o = itsa(&["verify", p.to_str().unwrap(), "--latex", "--json"]);
    assert_eq!(code(&o), 2, "--latex and --json conflict");
}
