#!/usr/bin/env bash
# Scaffolds an exercise: exercises/ID/ (info, stub, solution, planted bugs)
# and src/exercises/ID.rs (Rust reference, checks, driver), from the
# templates beside this script. Then: `cargo test` writes nothing until the
# snapshot is reviewed, and the consistency tests name what is left to do.
set -euo pipefail
cd "$(dirname "$0")/../.."
id="${1:-}"
fail() { echo "new-exercise: $*" >&2; exit 1; }
[[ "$id" =~ ^[a-z][a-z0-9_]*$ ]] || fail "give a snake_case id, e.g. \`just new-exercise context_managers\`."
[ ! -e "exercises/$id" ] || fail "exercises/$id already exists."
[ ! -e "src/exercises/$id.rs" ] || fail "src/exercises/$id.rs already exists."
type="$(echo "$id" | sed -E 's/(^|_)([a-z0-9])/\U\2/g')Exercise"
templates=tools/new-exercise
mkdir -p "exercises/$id"
for file in info.toml stub.py solution.py planted.toml; do
  sed "s/__ID__/$id/g" "$templates/$file" > "exercises/$id/$file"
done
sed -e "s/__ID__/$id/g" -e "s/__TYPE__/$type/g" "$templates/exercise.rs" > "src/exercises/$id.rs"
cat <<NEXT
Created exercises/$id/ and src/exercises/$id.rs (the registry picks them up).
Next:
  1. Write the contract in exercises/$id/stub.py, the answer in solution.py,
     and the Rust reference, checks and driver in src/exercises/$id.rs.
  2. INSTA_UPDATE=always cargo test --test integration snapshots
     writes exercises/$id/snapshots/fixed.snap: review it.
  3. Planted bugs in exercises/$id/planted.toml (six at least), info.toml's
     hints, rubric and probes, and a link from exercises/questions.toml.
  4. cargo test: the consistency and grading tests say what is still missing.
NEXT
