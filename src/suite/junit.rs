//! JUnit XML for `itsa test --junit FILE`: one `<testcase>` per spec, so any CI system shows
//! the results.

use super::{Status, SuiteReport};

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&apos;".to_string(),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

pub fn render(s: &SuiteReport) -> String {
    let total = s.results.len();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    o.push_str(&format!(
        "<testsuites name=\"itsa\" tests=\"{total}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
        s.failed, s.skipped, s.seconds
    ));
    o.push_str(&format!(
        "  <testsuite name=\"itsa test\" tests=\"{total}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">\n",
        s.failed, s.skipped, s.seconds
    ));
    for r in &s.results {
        o.push_str(&format!(
            "    <testcase classname=\"itsa.specs\" name=\"{}\" time=\"{:.3}\">",
            escape(&r.spec),
            r.seconds
        ));
        match r.status {
            Status::Pass => {}
            Status::Fail => o.push_str(&format!(
                "\n      <failure message=\"{}\">{}</failure>\n    ",
                escape(&r.found),
                escape(&r.problems.join("\n"))
            )),
            Status::NoExpectation => o.push_str(&format!(
                "\n      <skipped message=\"no [expect] table; found {}\"/>\n    ",
                escape(&r.found)
            )),
        }
        o.push_str("</testcase>\n");
    }
    o.push_str("  </testsuite>\n</testsuites>\n");
    o
}
