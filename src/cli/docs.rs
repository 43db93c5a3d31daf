//! `itsa completions SHELL` and `itsa man`: generated from the clap definition, so they
//! cannot drift from the flags.

use std::io::Write;
use std::process::ExitCode;

use super::CliError;

/// Print the completion script for `shell` to stdout. Rendered into memory first: clap_complete
/// panics on a write error, and a closed pipe (`itsa completions bash | head`) is not one.
pub fn completions<C: clap::CommandFactory>(shell: clap_complete::Shell) {
    let mut cmd = C::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "itsa", &mut out);
    let _ = std::io::stdout().write_all(&out);
}

/// Print the man page (roff): the top-level page followed by one section per subcommand.
pub fn man<C: clap::CommandFactory>() -> Result<ExitCode, CliError> {
    let mut out = Vec::new();
    render_man(C::command(), &mut out)
        .map_err(|e| CliError::msg(format!("cannot render the man page: {e}")))?;
    let _ = std::io::stdout().write_all(&out);
    Ok(ExitCode::SUCCESS)
}

fn render_man(cmd: clap::Command, out: &mut Vec<u8>) -> std::io::Result<()> {
    let cmd = cmd.version(super::VERSION);
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    // The options of each subcommand (and of theirs), as sections of the same page.
    fn subsections(cmd: &clap::Command, path: &str, out: &mut Vec<u8>) -> std::io::Result<()> {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = format!("{path} {}", sub.get_name());
            writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
            let mut page = Vec::new();
            let m = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
            m.render_synopsis_section(&mut page)?;
            m.render_options_section(&mut page)?;
            // Demote the subcommand's own section headers to subsection headers.
            let page = String::from_utf8_lossy(&page).replace(".SH ", ".SS ");
            out.extend_from_slice(page.as_bytes());
            if let Some(about) = sub.get_about() {
                writeln!(out, ".PP\n{}", about.to_string().replace('\n', " "))?;
            }
            subsections(sub, &name, out)?;
        }
        Ok(())
    }
    subsections(&cmd, "itsa", out)?;
    man.render_extra_section(out)?;
    man.render_version_section(out)?;
    man.render_authors_section(out)?;
    Ok(())
}
