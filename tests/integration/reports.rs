//! Every report format, written for a batch with --out and validated: JSON
//! against the documented schema, JUnit parsed as XML, Gradescope's keys,
//! Markdown's tables, and HTML rendered in headless Chromium.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::*;

/// alice: every reference solution; bob: the sample; dave: bob's decorators.
fn batch(tmp: &Path) -> Vec<String> {
    for name in ["alice", "bob", "dave"] {
        std::fs::create_dir(tmp.join(name)).unwrap();
    }
    for id in pyinterview::exercises::ids() {
        std::fs::copy(solution(id), tmp.join("alice").join(format!("{id}.py"))).unwrap();
        std::fs::copy(
            root().join("samples/submission").join(format!("{id}.py")),
            tmp.join("bob").join(format!("{id}.py")),
        )
        .unwrap();
    }
    std::fs::copy(
        root().join("samples/submission/decorators.py"),
        tmp.join("dave/decorators.py"),
    )
    .unwrap();
    ["alice", "bob", "dave"]
        .iter()
        .map(|n| tmp.join(n).display().to_string())
        .collect()
}

fn write(tmp: &Path, subs: &[String], format: &str) -> PathBuf {
    let out = tmp.join(format);
    run([
        "grade",
        "--seed",
        "4",
        "--format",
        format,
        "--out",
        out.to_str().unwrap(),
    ])
    .with_args(subs)
    .output()
    .expect_code(0);
    out
}

/// The committed schema is what the report types generate:
/// `UPDATE_SCHEMA=1 cargo test --test integration schema` rewrites it.
#[test]
fn the_committed_json_schema_is_generated_from_the_report_types() {
    let generated =
        serde_json::to_string_pretty(&pyinterview::report::json_schema()).unwrap() + "\n";
    let path = root().join("docs/report.schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/report.schema.json is out of date: run UPDATE_SCHEMA=1 cargo test --test integration schema"
    );
    // The fields an interviewer's tools read are documented in it.
    let schema = pyinterview::report::json_schema();
    let defs = &schema["$defs"];
    for (owner, field) in [
        (&schema, "similar"),
        (&defs["ExerciseResult"], "follow_ups"),
        (&defs["SimilarTo"], "regions"),
    ] {
        let description = owner["properties"][field]["description"]
            .as_str()
            .unwrap_or("");
        assert!(
            description.len() > 40,
            "{field} is documented: {description:?}"
        );
    }
}

#[test]
fn json_reports_follow_the_documented_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write(tmp.path(), &batch(tmp.path()), "json");
    for name in ["alice", "bob", "dave"] {
        let text = std::fs::read_to_string(out.join(format!("{name}.json"))).unwrap();
        validate_report(&serde_json::from_str(&text).unwrap());
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bob.json")).unwrap()).unwrap();
    for (key, kind) in [
        ("score", "number"),
        ("max_score", "number"),
        ("seed", "number"),
        ("exercises", "array"),
        ("sandbox", "object"),
        ("warnings", "array"),
    ] {
        assert_eq!(json_kind(&report[key]), kind, "{key}");
    }
    for exercise in report["exercises"].as_array().unwrap() {
        for (key, kind) in [
            ("id", "string"),
            ("score", "number"),
            ("max_score", "number"),
            ("checks", "array"),
            ("follow_ups", "array"),
        ] {
            assert_eq!(json_kind(&exercise[key]), kind, "exercise {key}");
        }
        for check in exercise["checks"].as_array().unwrap() {
            for (key, kind) in [
                ("name", "string"),
                ("status", "string"),
                ("score", "number"),
                ("max_score", "number"),
                ("message", "string"),
                ("hidden", "bool"),
            ] {
                assert_eq!(json_kind(&check[key]), kind, "check {key}");
            }
            let status = check["status"].as_str().unwrap();
            assert!(
                [
                    "passed",
                    "failed",
                    "error",
                    "timeout",
                    "crashed",
                    "memory",
                    "not_attempted"
                ]
                .contains(&status)
            );
        }
    }
    assert_eq!(report["similar"][0]["other"], "dave");
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

#[test]
fn junit_reports_parse_and_count_the_verdicts() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write(tmp.path(), &batch(tmp.path()), "junit");
    let text = std::fs::read_to_string(out.join("bob.xml")).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), pyinterview::exercises::ids().len());
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(
        root.attribute("tests").unwrap().parse::<usize>().unwrap(),
        cases
    );
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(
        root.attribute("failures")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        failures
    );
    assert!(failures > 0, "the sample has failing checks");
    let untouched = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure") && n.attribute("type") == Some("not_attempted"))
        .count();
    assert!(
        untouched > 0,
        "running_mean is left as the stub: failures, not a pass"
    );
    assert_eq!(
        doc.descendants()
            .filter(|n| n.has_tag_name("skipped"))
            .count(),
        0
    );
    // Every testcase and every suite says how long it took.
    for node in doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase") || n.has_tag_name("testsuite"))
    {
        let time: f64 = node
            .attribute("time")
            .unwrap_or_else(|| panic!("{:?} has no time", node.attribute("name")))
            .parse()
            .unwrap();
        assert!(time >= 0.0);
    }
    let passed_time: f64 = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase") && !n.has_children())
        .map(|n| n.attribute("time").unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(
        passed_time > 0.0,
        "passing checks carry their measured time"
    );

    // An exercise nobody touched fails CI.
    let untouched_sub = submission_with("generators", &stub("generators"));
    let xml = run([
        "grade",
        untouched_sub.path().to_str().unwrap(),
        "--format",
        "junit",
    ])
    .with_args(["--exercises", "generators", "--no-reference", "--seed", "4"])
    .output()
    .expect_code(0)
    .stdout();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.attribute("failures"), root.attribute("tests"), "{xml}");
    assert_eq!(root.attribute("skipped"), Some("0"));
}

#[test]
fn gradescope_results_have_the_keys_gradescope_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write(tmp.path(), &batch(tmp.path()), "gradescope");
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bob/results.json")).unwrap())
            .unwrap();
    for name in ["alice", "dave"] {
        assert!(
            out.join(name).join("results.json").is_file(),
            "{name}/results.json"
        );
    }
    assert!(results["score"].is_number());
    let tests = results["tests"].as_array().unwrap();
    assert!(tests.len() > 50);
    for test in tests {
        for key in [
            "score",
            "max_score",
            "status",
            "name",
            "output",
            "visibility",
        ] {
            assert!(test.get(key).is_some(), "{key} in {test}");
        }
        assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()));
        assert!(["visible", "after_published"].contains(&test["visibility"].as_str().unwrap()));
    }
    // Exactly, in hundredths: what Gradescope shows as the total is the sum
    // of what it shows per test.
    let cents = |value: &serde_json::Value| (value.as_f64().unwrap() * 100.0).round() as i64;
    let total: i64 = tests.iter().map(|t| cents(&t["score"])).sum();
    assert_eq!(
        total,
        cents(&results["score"]),
        "the tests add up to the score"
    );
    let maxima: i64 = tests.iter().map(|t| cents(&t["max_score"])).sum();
    assert_eq!(
        maxima,
        1000 * pyinterview::exercises::ids().len() as i64,
        "the maxima add up to 10 points an exercise"
    );
    for test in tests {
        let (score, max) = (
            test["score"].as_f64().unwrap(),
            test["max_score"].as_f64().unwrap(),
        );
        assert_eq!((score * 100.0).round() / 100.0, score, "hundredths: {test}");
        assert_eq!((max * 100.0).round() / 100.0, max, "hundredths: {test}");
    }
    assert!(results["execution_time"].as_f64().unwrap() > 0.0);
}

#[test]
fn markdown_reports_have_a_table_per_exercise() {
    let tmp = tempfile::tempdir().unwrap();
    let out = write(tmp.path(), &batch(tmp.path()), "markdown");
    let text = std::fs::read_to_string(out.join("bob.md")).unwrap();
    assert!(text.contains("| exercise | score | checks passed | hints used |"));
    assert_eq!(
        text.matches("| check | status | points |").count(),
        pyinterview::exercises::ids().len()
    );
    assert!(text.contains("### Rubric") && text.contains("```diff"));
}

/// Chromium from Debian's packages; CI installs it (see .ci/run).
fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("command -v {name}"))
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new(chromium);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

#[test]
fn html_reports_render_in_chromium_with_what_an_interviewer_needs() {
    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium: .ci/run installs it"
        );
        eprintln!("skipped: no chromium here (apt-get install chromium)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = write(tmp.path(), &batch(tmp.path()), "html");
    let profile = tmp.path().join("profile");
    let page = out.join("bob.html");
    let dom = headless(&chromium, &profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("<h1>bob: 39.94 / 50 (80%)</h1>") || dom.contains("<h1>bob:"),
        "{dom}"
    );
    for id in pyinterview::exercises::ids() {
        assert!(
            dom.contains(&format!("<section class=\"exercise\" id=\"{id}\">")),
            "{id} section"
        );
    }
    assert!(
        dom.contains("aria-label=\"scores per exercise and per check\""),
        "the chart"
    );
    assert!(
        dom.matches("<h3>Rubric</h3>").count() == pyinterview::exercises::ids().len(),
        "a rubric beside each exercise"
    );
    assert!(
        dom.contains("Suspiciously alike: dave's solution"),
        "similarity, side by side"
    );
    assert!(dom.contains("class=\"hit\""), "matching lines highlighted");
    assert!(dom.contains("- expected:"), "failures with their diffs");

    // And a person sees a page, not an error: a screenshot with content.
    let shot = tmp.path().join("bob.png");
    let status = headless(&chromium, &profile)
        .arg("--window-size=1280,1600")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(
        png.len() > 50_000,
        "a rendered page is not blank ({} bytes)",
        png.len()
    );
    let index = headless(&chromium, &profile)
        .arg("--dump-dom")
        .arg(format!("file://{}", out.join("index.html").display()))
        .output()
        .unwrap();
    let index = String::from_utf8_lossy(&index.stdout);
    for name in ["alice", "bob", "dave"] {
        assert!(
            index.contains(&format!("href=\"{name}.html\"")),
            "{name} linked from the index"
        );
    }
}

/// What a hostile candidate prints and raises to forge a Markdown report:
/// a closing fence, a heading, a fake score table, `</details>` and an image
/// whose `onerror` runs script.
const FORGERY: &str = "```\n</details>\n\n# Verdict: hire\n\n| exercise | score |\n|---|---|\n| all | 50 / 50 |\n\n<img src=x onerror=alert(1)>\n";

#[test]
fn markdown_reports_keep_what_the_code_prints_as_text() {
    let source = format!(
        "FORGERY = {FORGERY:?}\nprint(FORGERY)\n\ndef count_visits(path):\n    raise ValueError(FORGERY)\n\ndef freeze(value):\n    return [FORGERY]\n\ndef extend_unique(target, items):\n    raise NotImplementedError\n"
    );
    let sub = submission_source("list_tuple", &source);
    let markdown = run([
        "grade",
        sub.path().to_str().unwrap(),
        "--format",
        "markdown",
        "--seed",
        "3",
        "--no-reference",
        "--exercises",
        "list_tuple",
    ])
    .output()
    .expect_code(0)
    .stdout();
    assert!(
        markdown.contains("````"),
        "a fence longer than the payload's"
    );
    let parser = pulldown_cmark::Parser::new_ext(&markdown, pulldown_cmark::Options::all());
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    assert!(!html.contains("<img"), "no image: {html}");
    assert!(!html.contains("Verdict: hire</h1>"), "no forged heading");
    assert_eq!(
        html.matches("<h1>").count(),
        1,
        "only the report's own title: {html}"
    );
    assert_eq!(
        html.matches("<table>").count(),
        2,
        "the report's two tables, no forged one: {html}"
    );
    assert_eq!(html.matches("</details>").count(), 1, "{html}");
    // The text is all still there, as text.
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(html.contains("# Verdict: hire"), "{html}");
}

/// Splits CSV text into records of fields (RFC 4180 quoting).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field, mut quoted, mut chars) =
        (Vec::new(), String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    records
}

#[test]
fn csv_is_a_gradebook_with_a_row_per_submission() {
    let tmp = tempfile::tempdir().unwrap();
    let subs = batch(tmp.path());
    let out = write(tmp.path(), &subs, "csv");
    let text = std::fs::read_to_string(out.join("gradebook.csv")).unwrap();
    let records = parse_csv(&text);
    let mut header = vec!["submission"];
    header.extend(pyinterview::exercises::ids());
    header.extend(["total", "max_score", "percent", "seed"]);
    assert_eq!(&records[0][..header.len()], &header[..], "{text}");
    assert_eq!(records.len(), 4, "a header and three submissions: {text}");
    let column = |name: &str| records[0].iter().position(|h| h == name).unwrap();
    let names: Vec<&str> = records[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, ["alice", "bob", "dave"]);
    for record in &records[1..] {
        assert_eq!(record.len(), records[0].len(), "{record:?}");
        let exercises: f64 = pyinterview::exercises::ids()
            .iter()
            .map(|id| record[column(id)].parse::<f64>().unwrap())
            .sum();
        let total: f64 = record[column("total")].parse().unwrap();
        assert!((exercises - total).abs() < 1e-9, "{record:?}");
        assert_eq!(record[column("seed")], "4");
    }
    assert_eq!(records[1][column("percent")], "100");
    assert!(
        records[2][column("similar")].contains("decorators: dave"),
        "{text}"
    );
    // Without --out, the same table on stdout.
    let printed = run(["grade", "--seed", "4", "--format", "csv", "--no-reference"])
        .with_args(["--exercises", "decorators"])
        .with_args(&subs[1..])
        .output()
        .expect_code(0)
        .stdout();
    let records = parse_csv(&printed);
    assert_eq!(records.len(), 3, "{printed}");
    assert_eq!(records[0][1], "decorators");
}

#[test]
fn fail_under_fails_the_run_when_a_submission_scores_below_it() {
    let sample = root().join("samples/submission");
    let grade = |bar: &str| {
        run(["grade", sample.to_str().unwrap(), "--seed", "4"])
            .with_args(["--exercises", "decorators,list_tuple", "--no-reference"])
            .with_args(["--format", "json", "--fail-under", bar])
            .output()
    };
    let report: serde_json::Value = report_json(&grade("0").expect_code(0).stdout());
    let percent = 100.0 * report["score"].as_f64().unwrap() / report["max_score"].as_f64().unwrap();
    assert!(percent < 100.0, "the sample loses points");
    let below = grade(&format!("{}", (percent + 1.0).min(100.0))).expect_code(1);
    assert!(
        below.stderr().contains("below --fail-under"),
        "{}",
        below.stderr()
    );
    assert!(
        !below.stdout().is_empty(),
        "the report is written all the same"
    );
    grade(&format!("{}", percent.floor())).expect_code(0);
    run(["grade", sample.to_str().unwrap(), "--fail-under", "120"])
        .output()
        .expect_code(2);
}

#[test]
fn follow_ups_come_only_from_checks_that_failed_on_their_own() {
    // A syntax error fails every check the same way: nothing to ask about
    // one part of the code.
    let broken = submission_source("list_tuple", "def count_visits(path):\n    return {\n");
    let report = grade_json(
        broken.path(),
        &["--exercises", "list_tuple", "--seed", "5", "--no-reference"],
    );
    let exercise = &report["exercises"][0];
    assert!(exercise["checks"].as_array().unwrap().len() > 1);
    assert_eq!(exercise["follow_ups"], serde_json::json!([]), "{exercise}");

    // A hang in the first function: the checks never run after it choose
    // no question; the one that timed out, and the freeze bug, do.
    let source = std::fs::read_to_string(solution("list_tuple"))
        .unwrap()
        .replacen(
            "def count_visits(",
            "def count_visits(path):\n    while True:\n        pass\n\n\ndef _unused(",
            1,
        );
    let hanging = submission_source("list_tuple", &source);
    let report = grade_json(
        hanging.path(),
        &[
            "--exercises",
            "list_tuple",
            "--seed",
            "5",
            "--no-reference",
            "--timeout",
            "2",
        ],
    );
    let exercise = &report["exercises"][0];
    let checks = exercise["checks"].as_array().unwrap();
    let not_run = checks
        .iter()
        .filter(|c| c["message"].as_str().unwrap().starts_with("not run"))
        .count();
    assert!(not_run > 0, "{exercise}");
    let asks: Vec<&str> = exercise["follow_ups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_str().unwrap())
        .collect();
    assert!(
        asks.iter()
            .all(|q| !q.contains("freeze") && !q.contains("extend_unique")),
        "no question from checks that never ran: {asks:?}"
    );
}

/// The cells of each `<tr data-name=…>` row of a dumped DOM, by name: the
/// text of each cell (tags dropped) and its attributes.
fn rows(dom: &str) -> Vec<(String, Vec<(String, String)>)> {
    dom.split("<tr data-name=\"")
        .skip(1)
        .map(|row| {
            let name = row[..row.find('"').unwrap()].to_string();
            let row = &row[..row.find("</tr>").unwrap()];
            let cells = row
                .split("<td")
                .skip(1)
                .map(|cell| {
                    let (attrs, rest) = cell.split_once('>').unwrap();
                    let body = &rest[..rest.find("</td>").unwrap()];
                    let mut text = String::new();
                    let mut in_tag = false;
                    for c in body.chars() {
                        match c {
                            '<' => in_tag = true,
                            '>' => in_tag = false,
                            c if !in_tag => text.push(c),
                            _ => {}
                        }
                    }
                    (attrs.to_string(), text.trim().to_string())
                })
                .collect();
            (name, cells)
        })
        .collect()
}

#[test]
fn the_html_index_is_a_decision_view_and_pages_show_the_code() {
    let Some(chromium) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have Chromium");
        eprintln!("skipped: no chromium here");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut subs = batch(tmp.path());
    // dave also has a helper module that reaches for ctypes: an integrity
    // warning, which is not a similarity flag.
    std::fs::write(tmp.path().join("dave/helpers.py"), "import ctypes\n").unwrap();
    // erin: a workspace assigned decorators only, with bob's solution.
    let erin = tmp.path().join("erin");
    init_workspace(&erin, "decorators", 9);
    std::fs::copy(
        root().join("samples/submission/decorators.py"),
        erin.join("decorators.py"),
    )
    .unwrap();
    // carol: the reference list_tuple, with count_visits raising on long paths.
    let carol = tmp.path().join("carol");
    std::fs::create_dir(&carol).unwrap();
    let source = std::fs::read_to_string(solution("list_tuple")).unwrap().replacen(
        "    return dict(Counter((x, y) for x, y in path))\n",
        "    if len(path) > 3:\n        raise RuntimeError(\"too long\")\n    return dict(Counter((x, y) for x, y in path))\n",
        1,
    );
    assert!(source.contains("too long"));
    std::fs::write(carol.join("list_tuple.py"), source).unwrap();
    subs.push(erin.display().to_string());
    subs.push(carol.display().to_string());
    let out = write(tmp.path(), &subs, "html");
    let profile = tmp.path().join("profile");
    let dump = |page: &str| {
        let dom = headless(&chromium, &profile)
            .arg("--dump-dom")
            .arg(format!("file://{}/{page}", out.display()))
            .output()
            .unwrap();
        assert!(dom.status.success());
        String::from_utf8_lossy(&dom.stdout).into_owned()
    };

    // Sorted by percentage, lowest first, by the page's own script.
    let index = dump("index.html#sort=percent-asc");
    let ids = pyinterview::exercises::ids();
    let table = rows(&index);
    assert_eq!(table.len(), 5, "five submissions: {index}");
    let percents: Vec<f64> = table
        .iter()
        .map(|(_, cells)| cells[2].1.trim_end_matches('%').parse().unwrap())
        .collect();
    assert!(
        percents.windows(2).all(|w| w[0] <= w[1]),
        "sorted: {percents:?}"
    );
    assert!(
        index.contains("data-dir=\"asc\""),
        "the sorted column is marked"
    );
    for (name, cells) in &table {
        // submission, total, %, one per exercise, integrity, similar, review.
        assert_eq!(cells.len(), 3 + ids.len() + 3, "{name}: {cells:?}");
        assert!(cells[0].0.is_empty() && index.contains(&format!("href=\"{name}.html\"")));
        let percent_class = &cells[2].0;
        assert!(
            ["good", "fair", "poor"]
                .iter()
                .any(|c| percent_class.contains(c)),
            "{name}: the percentage is coloured: {percent_class}"
        );
    }
    let row = |name: &str| &table.iter().find(|(n, _)| n == name).unwrap().1;
    let column = |id: &str| 3 + ids.iter().position(|i| *i == id).unwrap();
    // erin was graded on decorators only: the other cells are blank, and
    // her score sits under decorators.
    let erin = row("erin");
    for id in &ids {
        let (attrs, text) = &erin[column(id)];
        if *id == "decorators" {
            assert!(!text.is_empty(), "{erin:?}");
        } else {
            assert!(attrs.contains("blank") && text.is_empty(), "{id}: {erin:?}");
        }
    }
    assert_eq!(
        row("erin")[column("decorators")].1,
        row("bob")[column("decorators")].1
    );
    // Integrity apart from similarity.
    let integrity = 3 + ids.len();
    assert_eq!(row("dave")[integrity].1, "1 ⚠", "{:?}", row("dave"));
    assert_eq!(row("alice")[integrity].1, "");
    assert_eq!(
        row("bob")[integrity].1,
        "",
        "similarity is not an integrity warning"
    );
    assert!(row("bob")[integrity + 1].1.contains("decorators"));
    assert!(
        index.contains("id=\"different-sets\""),
        "erin's set differs"
    );
    assert!(index.contains("graded with seed 4"), "{index}");
    // bob, dave and erin share one decorators solution: one cluster of
    // three; carol's list_tuple is alice's (the reference) with two lines
    // added, another.
    assert_eq!(index.matches("class=\"cluster\"").count(), 2, "{index}");
    let cluster = &index[index
        .find("class=\"cluster\" data-exercise=\"decorators\"")
        .unwrap()..];
    let cluster = &cluster[..cluster.find("</div>").unwrap()];
    assert!(cluster.contains("3 solutions"), "{cluster}");
    assert_eq!(cluster.matches("class=\"pill\"").count(), 3, "{cluster}");

    // A page: the sandbox, the graded set, the code with the traceback's
    // line marked, one line per failure every check shares.
    let page = dump("carol.html");
    assert!(
        page.contains("id=\"sandbox\"") && page.contains("s CPU"),
        "sandbox limits"
    );
    assert!(
        page.contains(&format!(
            "Graded: all {} exercises",
            pyinterview::exercises::ids().len()
        )),
        "where the set came from"
    );
    let code = &page[page
        .find("<pre class=\"code\">")
        .expect("the code is shown")..];
    let marked = &code[code.find("class=\"tb\"").expect("a traceback line marked")..];
    assert!(
        marked[..marked.find("</span></span>").unwrap_or(300).min(400)]
            .contains("raise RuntimeError"),
        "{marked:.400}"
    );
    // carol sent one file: every other exercise is one line.
    assert_eq!(
        page.matches("<h4 class=\"shared\">").count(),
        pyinterview::exercises::ids().len() - 1,
        "missing files: one line each"
    );
    // A similar solution is shown side by side once, with its closest match.
    let bob = dump("bob.html");
    assert_eq!(bob.matches("class=\"side\"").count(), 1, "one side-by-side");
    assert!(
        bob.contains("Suspiciously alike: "),
        "similarity on the page"
    );

    // A page of a long-valued failure shows where it first differs and a line diff.
    let long = submission_source(
        "list_tuple",
        &std::fs::read_to_string(solution("list_tuple"))
            .unwrap()
            .replacen(
                "    return dict(Counter((x, y) for x, y in path))\n",
                "    return {k: n + 1 for k, n in Counter((x, y) for x, y in path).items()}\n",
                1,
            ),
    );
    let html = run(["grade", long.path().to_str().unwrap(), "--format", "html"])
        .with_args(["--exercises", "list_tuple", "--seed", "4", "--no-reference"])
        .output()
        .expect_code(0)
        .stdout();
    assert!(html.contains("First difference at"), "the pointer");
    assert!(
        html.contains("<pre class=\"line-diff\">"),
        "a line diff for long values"
    );
    assert!(
        html.contains("<pre class=\"code\">"),
        "one page on stdout shows the code too"
    );
}

#[test]
fn the_interviewers_review_is_kept_beside_the_submission_and_merged_into_every_format() {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("alice");
    std::fs::create_dir(&sub).unwrap();
    std::fs::copy(solution("lru_cache"), sub.join("lru_cache.py")).unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();
    let review = |args: &[&str]| run(["review", &path(&sub)]).with_args(args).output();
    let saved = review(&[
        "--exercise",
        "lru_cache",
        "--rubric",
        "1=3",
        "--rubric",
        "2=4",
        "--comment",
        "clear eviction, talked through the lock",
        "--adjust",
        "-1",
        "--reason",
        "hard-coded one visible case",
        "--decision",
        "hire",
    ])
    .expect_code(0);
    let file = tmp.path().join("alice.review.toml");
    assert!(
        saved.stdout().contains(file.to_str().unwrap()),
        "{}",
        saved.stdout()
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("decision = \"hire\""), "{text}");
    assert_eq!(
        std::fs::read_dir(&sub).unwrap().count(),
        1,
        "nothing written among the candidate's files"
    );
    // Scriptable, and refused when it makes no sense.
    review(&["--comment", "good communicator"]).expect_code(0);
    let shown = review(&["--show"]).expect_code(0).stdout();
    for needle in [
        "decision: hire",
        "comment: good communicator",
        "rubric 1: 3/4",
        "adjusted -1 points: hard-coded one visible case",
    ] {
        assert!(shown.contains(needle), "{needle}: {shown}");
    }
    review(&["--exercise", "lru_cache", "--rubric", "99=3"]).expect_code(2);
    review(&["--exercise", "lru_cache", "--rubric", "1=5"]).expect_code(2);
    review(&["--exercise", "lru_cache", "--adjust", "2"]).expect_code(0); // the earlier reason still stands
    review(&["--exercise", "nope", "--rubric", "1=3"]).expect_code(2);
    review(&["--rubric", "1=3"]).expect_code(2);
    review(&[
        "--exercise",
        "lru_cache",
        "--adjust",
        "-1",
        "--reason",
        "hard-coded one visible case",
    ])
    .expect_code(0);

    // grade merges it: JSON (valid against the schema), text, CSV, Markdown.
    let args = ["--exercises", "lru_cache", "--seed", "2", "--no-reference"];
    let report = grade_json(&sub, &args);
    assert_eq!(report["review"]["decision"], "hire");
    assert_eq!(report["review"]["exercises"]["lru_cache"]["rubric"]["1"], 3);
    let score = report["score"].as_f64().unwrap();
    assert_eq!(
        report["reviewed_score"].as_f64().unwrap(),
        (score - 1.0).max(0.0)
    );
    let grade = |format: &str| {
        run(["grade", &path(&sub), "--format", format])
            .with_args(args)
            .output()
            .expect_code(0)
            .stdout()
    };
    let text = grade("text");
    assert!(text.contains("review: decision: hire"), "{text}");
    assert!(text.contains("review: rubric 1: 3/4, 2: 4/4"), "{text}");
    assert!(text.contains("review comment: clear eviction"), "{text}");
    let csv = parse_csv(&grade("csv"));
    let column = |name: &str| csv[0].iter().position(|h| h == name).unwrap();
    assert_eq!(csv[1][column("decision")], "hire");
    assert_eq!(csv[1][column("adjustment")], "-1", "a number, not text");
    let reviewed: f64 = csv[1][column("reviewed_total")].parse().unwrap();
    assert_eq!(reviewed, report["reviewed_score"].as_f64().unwrap());
    assert!(csv[1][column("review_comments")].contains("lru_cache: clear eviction"));
    assert!(grade("markdown").contains("## Review"));
    let html = grade("html");
    assert!(html.contains("id=\"review\""), "the review at the top");
    assert!(
        html.contains("class=\"rubric-score s3\""),
        "scores beside the rubric"
    );
    assert!(html.contains("<h3>Your review</h3>"));
    let out = tmp.path().join("html");
    run([
        "grade",
        &path(&sub),
        "--format",
        "html",
        "--out",
        &path(&out),
    ])
    .with_args(args)
    .output()
    .expect_code(0);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    let reviewed = report["reviewed_score"].as_f64().unwrap();
    assert!(
        index.contains(&format!(
            ">hire <span class=\"muted\">({reviewed})</span></td>"
        )) || index.contains(&format!(
            ">hire <span class=\"muted\">({reviewed:.0})</span></td>"
        )),
        "the decision and reviewed total in the index"
    );
    let junit = grade("junit");
    assert!(
        junit.contains("<property name=\"decision\" value=\"hire\"/>"),
        "{junit}"
    );

    // In a browser, the scores sit beside the rubric items they grade.
    if let Some(chromium) = chromium() {
        let page = tmp.path().join("alice.html");
        std::fs::write(&page, &html).unwrap();
        let dom = headless(&chromium, &tmp.path().join("profile"))
            .arg("--dump-dom")
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&dom.stdout);
        let aside = &dom[dom.find("<aside class=\"rubric\">").unwrap()..];
        let items: Vec<&str> = aside.split("<li>").skip(1).take(2).collect();
        assert!(items[0].contains(">3/4</b>"), "{}", items[0]);
        assert!(items[1].contains(">4/4</b>"), "{}", items[1]);
    }
}
