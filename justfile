# pyinterview — developer recipes. `just` itself: `cargo install just --locked`.
# The two README commands (`cargo run … grade samples/submission`, `cargo test`)
# need nothing but cargo and Python's shared library; these recipes add checks.

# List the recipes.
default:
    @just --list

# Grade the bundled sample submission (the README's demo).
demo:
    cargo run --release --quiet -- grade samples/submission

# The whole test suite.
test: _hooks
    cargo test

# What CI runs: formatting, lints, the test suite.
ci:
    bash .ci/run

# Lints only.
lint:
    cargo fmt --all -- --check
    cargo clippy --all-targets -- -D warnings

# Grading a full correct submission (pool of 1 vs larger pools) vs pytest running
# one trivial test, as ratios, then each exercise's own cost and overhead.
bench: _hooks
    cargo bench --bench grade

# cargo-husky (a dev-dependency, the project's hook manager) fails to build in
# a clone made without git's templates, which has no .git/hooks: create it.
_hooks:
    @mkdir -p "$(git rev-parse --git-path hooks 2>/dev/null || echo .git/hooks)"

# Scaffold a new exercise: exercises/ID/ and src/exercises/ID.rs.
new-exercise ID:
    bash tools/new-exercise/new-exercise.sh {{ID}}

# Review changed snapshots (installs cargo-insta on first use).
snapshots:
    @command -v cargo-insta >/dev/null || cargo install cargo-insta --locked
    cargo insta test --review --test integration -- snapshots

# Build the release binary: target/release/pyinterview is all a user needs
# (plus the libpython it was built against).
build:
    cargo build --release

# Install the release binary and the reference solutions under PREFIX:
# PREFIX/bin/pyinterview, PREFIX/share/pyinterview/solutions/ (what `grade`
# times candidates against; found from the executable at run time), plus the
# manual page and bash, zsh and fish completions.
install PREFIX="/usr/local":
    cargo build --release
    install -D -m 755 target/release/pyinterview "{{PREFIX}}/bin/pyinterview"
    install -d "{{PREFIX}}/share/pyinterview/solutions"
    for dir in exercises/*/; do id="$(basename "$dir")"; install -m 644 "$dir/solution.py" "{{PREFIX}}/share/pyinterview/solutions/$id.py"; done
    install -d "{{PREFIX}}/share/man/man1" "{{PREFIX}}/share/bash-completion/completions" "{{PREFIX}}/share/zsh/site-functions" "{{PREFIX}}/share/fish/vendor_completions.d"
    target/release/pyinterview man > "{{PREFIX}}/share/man/man1/pyinterview.1"
    target/release/pyinterview completions bash > "{{PREFIX}}/share/bash-completion/completions/pyinterview"
    target/release/pyinterview completions zsh > "{{PREFIX}}/share/zsh/site-functions/_pyinterview"
    target/release/pyinterview completions fish > "{{PREFIX}}/share/fish/vendor_completions.d/pyinterview.fish"

# Build the Python wheel candidates install (no Rust needed on their side):
# target/wheels/pyinterview-<version>-cp310-abi3-manylinux_*_x86_64.whl.
# maturin comes from PyPI into target/maturin-venv on first use.
wheel:
    test -x target/maturin-venv/bin/maturin || (python3 -m venv target/maturin-venv && target/maturin-venv/bin/pip install --quiet "maturin>=1.9,<2")
    target/maturin-venv/bin/maturin build --release --out target/wheels
