//! Finds the CPython that pyo3 embeds and wires it into the binary.
//!
//! * Refuses to build for anything but Linux (the sandbox is Linux's).
//! * Fails early, with a message that says what to install, when Python has no
//!   shared library (pyo3 embedding needs `libpython3.X.so`).
//! * Adds an rpath to that library's directory, so the binary loads the
//!   libpython it was built against rather than the first one the loader finds.
//! * Records nothing else about this machine: the Python home and the
//!   reference solutions are found at run time (`sandbox::interpreter`,
//!   `grade::default_reference`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    // The sandbox is Linux's: namespaces, Landlock, cgroups, clone3, prctl.
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os != "linux" {
        fail(&format!(
            "pyinterview runs on Linux only (including WSL 2), not on {os}: its sandbox \
             is built from Linux namespaces, Landlock, cgroups and clone3. Build and run it \
             on Linux or in WSL 2."
        ));
    }
    let config = pyo3_build_config::get();
    // `Py_LIMITED_API`, `Py_3_11`, …: code that differs under abi3 (the wheel).
    pyo3_build_config::print_expected_cfgs();
    pyo3_build_config::use_pyo3_cfgs();
    // The wheel's extension module links no libpython: the Python that
    // imports it provides the symbols, whatever its build.
    let wheel = std::env::var_os("CARGO_FEATURE_WHEEL").is_some();
    if !wheel && !config.shared() {
        fail(
            "the Python found by pyo3 has no shared library (libpython3.X.so).\n\
             Install one (Debian: `apt-get install libpython3-dev`; pyenv: \
             `PYTHON_CONFIGURE_OPTS=--enable-shared pyenv install 3.11`) or point \
             PYO3_PYTHON at a Python built with --enable-shared.",
        );
    }
    let version = config.version();
    if version.major != 3 || version.minor < 10 {
        fail(&format!(
            "Python 3.10 or newer is needed (the stubs use typing.ParamSpec and the solutions `match`), found {version}"
        ));
    }
    if let Some(dir) = config.lib_dir().filter(|_| !wheel) {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
    }
    embed_catalog();
}

/// Writes `$OUT_DIR/catalog.rs`: every `exercises/<id>/` folder's files as
/// `include_str!`s, so the binary alone carries the catalogue. A file that does
/// not exist yet (a new exercise's snapshot) is embedded as `None`, so the
/// consistency test, not the compiler, reports what is missing.
fn embed_catalog() {
    let root = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let exercises = root.join("exercises");
    println!("cargo:rerun-if-changed={}", exercises.display());
    let mut ids: Vec<String> = std::fs::read_dir(&exercises)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    let include = |path: std::path::PathBuf| -> String {
        if path.is_file() {
            format!("Some(include_str!({:?}))", path.display().to_string())
        } else {
            "None".to_string()
        }
    };
    let mut out = String::from(
        "/// The exercise folders found under `exercises/` at build time.\n\
         pub static EMBEDDED: &[EmbeddedExercise] = &[\n",
    );
    for id in &ids {
        let dir = exercises.join(id);
        out.push_str(&format!(
            "    EmbeddedExercise {{ id: {id:?}, info: {}, stub: {}, snapshot: {} }},\n",
            include(dir.join("info.toml")),
            include(dir.join("stub.py")),
            include(dir.join("snapshots").join("fixed.snap")),
        ));
    }
    out.push_str("];\n");
    out.push_str(&format!(
        "/// The question bank.\npub static QUESTIONS: Option<&str> = {};\n",
        include(exercises.join("questions.toml"))
    ));
    let dest = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("catalog.rs");
    std::fs::write(dest, out).expect("write catalog.rs");
}

fn fail(message: &str) -> ! {
    eprintln!("\npyinterview build: {message}\n");
    std::process::exit(1);
}
