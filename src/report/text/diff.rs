//! Expected vs actual in the terminal report: where they first differ, then
//! two labelled lines or a line diff.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::{BOLD, GREEN, RED, clean};
use crate::value::{first_difference, pretty, pretty_expanded};

const WIDTH: usize = 78;

/// Expected vs actual: two labelled lines when short, a line diff when long.
pub(super) fn render_diff(out: &mut String, expected: &str, actual: &str) {
    let (expected, actual) = (&*clean(expected), &*clean(actual));
    let indent = "      ";
    let width = WIDTH - indent.len() - 2;
    let fits = |text: &str| !pretty(text, width).contains('\n');
    // In a long sequence of results, where it goes wrong first.
    let first = first_difference(expected, actual).map(|(path, e, a)| {
        format!("{indent}{BOLD}first difference at {path}:{BOLD:#} expected {e}, actual {a}")
    });
    if fits(expected) && fits(actual) {
        let _ = writeln!(out, "{indent}{GREEN}expected: {expected}{GREEN:#}");
        let _ = writeln!(out, "{indent}{RED}actual:   {actual}{RED:#}");
        if let Some(first) = first {
            let _ = writeln!(out, "{first}");
        }
        return;
    }
    if let Some(first) = &first {
        let _ = writeln!(out, "{first}");
    }
    // Both sides laid out the same way, so the diff lines up item by item.
    let (expected, actual) = (
        pretty_expanded(expected, width),
        pretty_expanded(actual, width),
    );
    let _ = writeln!(
        out,
        "{indent}{GREEN}- expected{GREEN:#} {RED}+ actual{RED:#}"
    );
    let diff = TextDiff::from_lines(&expected, &actual);
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end_matches('\n');
        match change.tag() {
            ChangeTag::Equal => {
                let _ = writeln!(out, "{indent}  {line}");
            }
            ChangeTag::Delete => {
                let _ = writeln!(out, "{indent}{GREEN}- {line}{GREEN:#}");
            }
            ChangeTag::Insert => {
                let _ = writeln!(out, "{indent}{RED}+ {line}{RED:#}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_side_makes_both_sides_line_up_item_by_item() {
        let mut out = String::new();
        let expected = "<result={(1, 1): 1}, path_after=[[1, 1]]>";
        let actual = "<result={(1, 1): <SomeRatherLongTypeName object>, (2, 2): <SomeRatherLongTypeName object>}, path_after=[[1, 1]]>";
        render_diff(&mut out, expected, actual);
        let plain = anstream::adapter::strip_str(&out).to_string();
        let lines: Vec<&str> = plain.lines().map(str::trim_end).collect();
        assert!(
            lines.contains(&"      -     result={(1, 1): 1},"),
            "{plain}"
        );
        assert!(
            lines.contains(&"            path_after=[[1, 1]],"),
            "unchanged items are shared: {plain}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with("      +     result=")),
            "{plain}"
        );
    }

    #[test]
    fn short_values_show_as_two_labelled_lines() {
        let mut out = String::new();
        render_diff(&mut out, "[1, 2]", "[1, 3]");
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert_eq!(
            plain,
            "      expected: [1, 2]\n      actual:   [1, 3]\n      first difference at [1]: expected 2, actual 3\n"
        );
        // Values that differ as wholes need no pointer.
        let mut out = String::new();
        render_diff(&mut out, "5", "6");
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert_eq!(plain, "      expected: 5\n      actual:   6\n");
    }
}
