//! Progress bars on stderr for the library's [`itsa::progress`] reports. A task's bar
//! appears only once the task has run for a second (short runs stay quiet), nested tasks
//! stack, and nothing is drawn when stderr is not a terminal.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use itsa::progress::{Progress, Sink, TaskSink};

/// How long a task runs before its bar is shown.
const DELAY: Duration = Duration::from_secs(1);

struct Bars {
    multi: MultiProgress,
}

struct Bar {
    bar: ProgressBar,
    multi: MultiProgress,
    /// Set when the task ends; the lock orders "show" against "end".
    done: Arc<Mutex<bool>>,
}

/// The binary's progress sink: bars on stderr.
pub fn bars() -> Progress {
    Progress::to(Arc::new(Bars {
        multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
    }))
}

/// `12`, `9.8k`, `1.2M`: a count with an SI suffix.
pub fn si(x: f64) -> String {
    if !x.is_finite() || x < 0.0 {
        return "?".into();
    }
    match x {
        x if x < 1e3 => format!("{x:.0}"),
        x if x < 1e6 => format!("{:.1}k", x / 1e3),
        x if x < 1e9 => format!("{:.1}M", x / 1e6),
        x => format!("{:.1}G", x / 1e9),
    }
}

fn style(label: &str, total: Option<u64>) -> ProgressStyle {
    let template = match total {
        Some(_) => format!(
            "{{spinner}} {label} {{human_pos}}/{{human_len}} [{{bar:30}}] {{percent}}% {{rate}} eta {{eta}}"
        ),
        None => format!("{{spinner}} {label} {{elapsed}}"),
    };
    let unit = label.split_whitespace().next().unwrap_or("").to_string();
    ProgressStyle::with_template(&template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{} {unit}/s", si(s.per_sec()));
            },
        )
        .progress_chars("=> ")
}

impl Sink for Bars {
    fn task(&self, label: &str, total: Option<u64>) -> Box<dyn TaskSink> {
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::hidden())
            .with_style(style(label, total));
        let done = Arc::new(Mutex::new(false));
        // Show the bar after DELAY unless the task has finished by then.
        let (b, m, d) = (bar.clone(), self.multi.clone(), done.clone());
        std::thread::spawn(move || {
            let step = Duration::from_millis(50);
            let mut waited = Duration::ZERO;
            while waited < DELAY {
                if d.lock().map_or(true, |g| *g) {
                    return;
                }
                std::thread::sleep(step);
                waited += step;
            }
            if let Ok(g) = d.lock() {
                if !*g {
                    let b = m.add(b);
                    b.enable_steady_tick(Duration::from_millis(120));
                }
            }
        });
        Box::new(Bar {
            bar,
            multi: self.multi.clone(),
            done,
        })
    }
}

impl TaskSink for Bar {
    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        let mut done = self.done.lock().unwrap_or_else(|e| e.into_inner());
        *done = true;
        self.bar.finish_and_clear();
        self.multi.remove(&self.bar);
    }
}

#[cfg(test)]
mod tests {
    use super::si;

    #[test]
    fn rates_read_as_counts_with_si_suffixes() {
        assert_eq!(si(11155.2451), "11.2k");
        assert_eq!(si(12.0), "12");
        assert_eq!(si(2.5e6), "2.5M");
        assert_eq!(si(f64::NAN), "?");
    }
}
