//! Notes for the interviewer about what a submission's source reaches for:
//! raw memory, the interpreter's internals, descriptors, processes, sockets.
//! They are not verdicts (a careful solution may import `subprocess` for a
//! good reason), only a pointer to read that part of the code.

/// What to look for, and what to say when it is found.
const SIGNS: &[(&[&str], &str)] = &[
    (&["ctypes"], "uses ctypes (raw memory access)"),
    (
        &["gc.get_objects", "gc.get_referrers", "gc.get_referents"],
        "walks the garbage collector's objects",
    ),
    (
        &["gc.freeze", "gc.unfreeze"],
        "moves objects out of the garbage collector's sight (gc.freeze)",
    ),
    (
        &[
            "sys._getframe",
            "inspect.currentframe",
            "inspect.stack",
            ".f_back",
            ".f_globals",
        ],
        "inspects interpreter frames",
    ),
    (&["/proc"], "reads /proc"),
    (
        &[
            "os.write(",
            "os.dup2(",
            "os.dup(",
            "os.close(",
            "os.fdopen(",
            "os.open(",
            "os.closerange(",
        ],
        "uses raw file descriptors",
    ),
    (
        &["import builtins", "__builtins__", "builtins."],
        "changes builtins",
    ),
    (&["sys.modules"], "touches sys.modules"),
    (
        &[
            "subprocess",
            "os.system",
            "os.fork",
            "os.exec",
            "os.spawn",
            "os.popen",
            "os.kill",
        ],
        "starts or signals processes",
    ),
    (&["socket"], "opens sockets"),
    (
        &["_lru_cache_wrapper", "_functools"],
        "reaches for functools' C internals",
    ),
    (
        &["importlib", "__import__"],
        "imports modules by computed names",
    ),
];

/// The notes for one source file, in a fixed order, each once.
pub fn scan(source: &str) -> Vec<String> {
    SIGNS
        .iter()
        .filter(|(needles, _)| needles.iter().any(|n| source.contains(n)))
        .map(|(needles, note)| {
            let found: Vec<&str> = needles
                .iter()
                .copied()
                .filter(|n| source.contains(n))
                .collect();
            format!("{note}: {}", found.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaching_for_internals_is_noted_once_per_kind() {
        let notes = scan(
            "import ctypes\nctypes.string_at(0)\nimport gc\ngc.get_objects()\nopen('/proc/self/maps')\n",
        );
        assert_eq!(
            notes,
            vec![
                "uses ctypes (raw memory access): ctypes",
                "walks the garbage collector's objects: gc.get_objects",
                "reads /proc: /proc",
            ]
        );
        assert!(scan("def f(xs):\n    return sorted(xs)\n").is_empty());
    }
}
