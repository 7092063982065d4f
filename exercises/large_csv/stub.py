"""A CSV larger than memory: stream it.

A file too big for memory is read the way `csv.reader` reads it: one row at a
time, keeping only what the answer needs. Here the file often does not even
exist as a whole: the grader streams it to you through a pipe as you read.

Run `pyinterview check large_csv` to test your work.

The files (the same for all three functions):

- `path` is a `str`. It may be a named pipe (a FIFO) that the grader writes
  while you read: it can be opened and read ONCE, from start to end, with no
  seeking and no size known in advance. Open it once per call.
- The text is UTF-8, possibly starting with a byte order mark (BOM) that is
  not part of the first column's name: open it with
  `open(path, newline="", encoding="utf-8-sig")`.
- The first row is the header (column names); every row has as many fields as
  the header; there are no blank lines; lines end in `\\n`.
- It is real CSV, comma-separated, `"` as the quote character (what
  `csv.reader`'s default dialect reads): a quoted field may contain commas,
  doubled quotes (`""` for one `"`) and line breaks, e.g. the header
  `id,"amount, EUR"` names the columns `id` and `amount, EUR`.
- Rows are dicts from column name to the field's text (`csv.DictReader`).
- A number column holds decimal integers such as `42` or `-7`, or nothing (an
  empty field, quoted or not).

Memory: each call is measured with tracemalloc (started just before your
function is called and stopped when it returns, or for `iter_rows` when the
generator is exhausted). What is checked is that memory does NOT GROW WITH
THE FILE: each function is called on a file of 500 rows and on one of 2,000
rows of the same shape (both regular files), and its peak traced memory on
the larger file may exceed its peak on the smaller one by less than 3,000
bytes (2 bytes per extra row). Reading the file row by row with
`csv.reader`/`csv.DictReader` over the open file (default buffering),
keeping only running totals (`aggregate`) or the best `n` rows (`top_n`),
grows by a few hundred bytes at most. Keeping ANYTHING per row does not fit,
however small: a list with one int per row (even `1` appended each time) is
8 or more bytes a row, and so are reading the file whole (`f.read()`,
`readlines()`, `list(reader)`), a set of seen ids, or a (value, position)
pair for every row. Calls on the pipes must also peak under 512 KiB (a
sanity bound that any streaming solution is far below). tracemalloc itself
is the grader's while this exercise is graded: do not start, stop or reset
it.
"""

from __future__ import annotations

from collections.abc import Iterator


def aggregate(path: str, key: str, value: str) -> dict[str, tuple[int, int]]:
    """Per distinct text of column `key`: (number of rows, sum of column `value`).

    Rows whose `value` field is empty are skipped entirely (not counted, not
    summed); a key whose rows all have empty values does not appear. Every
    other `value` is an integer. Keys are the field's exact text (an empty
    key `""` is a key like any other, spaces are kept). Returns a plain
    `dict` of `(count, total)` tuples of ints; a file with a header and no
    rows gives `{}`. Memory: see the module docstring (one pass, O(number of
    distinct keys): running totals per key, nothing kept per row).

    For the file
        city,amount
        Paris,3
        "Lyon, FR",4
        Paris,
        Paris,-1

    >>> aggregate(path, "city", "amount")
    {'Paris': (2, 2), 'Lyon, FR': (1, 4)}
    """
    raise NotImplementedError


def top_n(path: str, column: str, n: int) -> list[dict[str, str]]:
    """The `n` rows with the largest integer in `column`, largest first.

    Each row is returned whole, as the dict `csv.DictReader` gives (every
    column, text values). Rows whose `column` field is empty are skipped.
    Rows with equal values keep their file order (the earlier row first, and
    when only some of the tied rows fit in `n`, the earliest ones are kept).
    Fewer than `n` rows: all of them, sorted. `n == 0` gives `[]`; `n < 0`
    raises `ValueError`. Memory: O(n) (a heap of at most `n` rows), one pass;
    see the module docstring.

    For the file
        id,score
        a,5
        b,9
        c,5
        d,1

    >>> top_n(path, "score", 3)
    [{'id': 'b', 'score': '9'}, {'id': 'a', 'score': '5'}, {'id': 'c', 'score': '5'}]
    """
    raise NotImplementedError


def iter_rows(path: str) -> Iterator[dict[str, str]]:
    """A generator (a function with `yield`) of the file's rows as dicts, in order.

    Lazy: calling it only creates the generator: it does not open the file
    or read anything (not even the header); the file is opened by the first
    `next()`. So `rows = iter_rows("no/such/file.csv")` returns a generator
    without error, and `next(rows)` raises `FileNotFoundError` (the one
    `open()` raises). Each `next()` reads only as far as the next row. In particular the first row is yielded as soon as the header
    and that row have arrived, before the rest of the file is even written
    (the grader checks this with a pipe it fills row by row as your rows
    come out), and the second and third rows likewise. The file is closed
    when the generator finishes (or is closed). Memory: see the module
    docstring.

    For the file
        id,note
        1,"a ""quoted"" word"
        2,"two
        lines"

    >>> rows = iter_rows(path)
    >>> next(rows)
    {'id': '1', 'note': 'a "quoted" word'}
    >>> list(rows)
    [{'id': '2', 'note': 'two\\nlines'}]
    """
    raise NotImplementedError
