//! `dataclasses` (question 15): what `@dataclass` generates, and how its
//! options (`frozen`, `order`, `field(default_factory=…, repr=…, init=…)`,
//! `__post_init__`) shape a class.
//!
//! The id is the contract's, `dataclasses`, so the candidate's file is
//! `dataclasses.py`, named like the standard module it uses. The sandbox has
//! the standard module imported before candidate code and registers the
//! candidate's module under another name (see `sandbox::child`), so the
//! file's own `from dataclasses import dataclass` finds the library.
//!
//! Reference: a semantic [`Version`] (strict parser, numeric ordering, bump),
//! a validated [`LineItem`] and an [`Order`] whose total follows its items, in
//! plain Rust, with the reprs the generated `__repr__` writes. The checks
//! observe the candidate's classes through a few private fixtures that read
//! fields (and `dataclasses.fields`) into exact values, never through the
//! candidate's own `__eq__` except where equality is what is checked.

use rand::RngExt;

use crate::exercise::{Check, Rng, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::{Value, str_repr};

pub struct DataClassesExercise;

pub static EXERCISE: crate::exercise::Scripted<DataClassesExercise> =
    crate::exercise::Scripted(DataClassesExercise);

// ---- the Rust reference -------------------------------------------------

/// A semantic version; the derived order is field by field, numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// `"MAJOR.MINOR.PATCH"`: three parts of ASCII digits, each `0` or not
    /// starting with `0`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Version> {
        let parts: Vec<&str> = text.split('.').collect();
        if parts.len() != 3 {
            return None;
        }
        let mut numbers = [0u64; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            let digits_only = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            if !digits_only || (part.len() > 1 && part.starts_with('0')) {
                return None;
            }
            *slot = part.parse().ok()?;
        }
        Some(Version::new(numbers[0], numbers[1], numbers[2]))
    }

    /// The next version for `part` (`major`, `minor`, `patch`), `None` for
    /// another part.
    pub fn bump(self, part: &str) -> Option<Version> {
        match part {
            "major" => Some(Version::new(self.major + 1, 0, 0)),
            "minor" => Some(Version::new(self.major, self.minor + 1, 0)),
            "patch" => Some(Version::new(self.major, self.minor, self.patch + 1)),
            _ => None,
        }
    }

    /// What `repr` of the dataclass gives.
    pub fn repr(self) -> String {
        format!(
            "Version(major={}, minor={}, patch={})",
            self.major, self.minor, self.patch
        )
    }

    /// The fields as the fixture `version_tuple` reads them.
    pub fn value(self) -> Value {
        Value::Tuple(vec![
            Value::Int(self.major as i64),
            Value::Int(self.minor as i64),
            Value::Int(self.patch as i64),
        ])
    }

    pub fn expr(self) -> Expr {
        Expr::name("Version").call(vec![
            Expr::lit(self.major as i64),
            Expr::lit(self.minor as i64),
            Expr::lit(self.patch as i64),
        ])
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    pub sku: String,
    pub qty: i64,
    pub price_cents: i64,
}

impl LineItem {
    /// `None` where `__post_init__` raises `ValueError`.
    pub fn new(sku: &str, qty: i64, price_cents: i64) -> Option<LineItem> {
        (qty > 0 && price_cents >= 0).then(|| LineItem {
            sku: sku.to_string(),
            qty,
            price_cents,
        })
    }

    pub fn subtotal(&self) -> i64 {
        self.qty * self.price_cents
    }

    pub fn repr(&self) -> String {
        format!(
            "LineItem(sku={}, qty={}, price_cents={})",
            str_repr(&self.sku),
            self.qty,
            self.price_cents
        )
    }

    pub fn value(&self) -> Value {
        Value::Tuple(vec![
            Value::str(&self.sku),
            Value::Int(self.qty),
            Value::Int(self.price_cents),
        ])
    }

    pub fn expr(&self) -> Expr {
        line_item(&self.sku, self.qty, self.price_cents)
    }
}

fn line_item(sku: &str, qty: i64, price_cents: i64) -> Expr {
    Expr::name("LineItem").call(vec![
        Expr::lit(sku),
        Expr::lit(qty),
        Expr::lit(price_cents),
    ])
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub id: String,
    pub items: Vec<LineItem>,
    pub note: String,
    pub total: i64,
}

impl Order {
    pub fn new(id: &str, items: Vec<LineItem>, note: &str) -> Order {
        let total = items.iter().map(LineItem::subtotal).sum();
        Order {
            id: id.to_string(),
            items,
            note: note.to_string(),
            total,
        }
    }

    pub fn add(&mut self, item: LineItem) {
        self.total += item.subtotal();
        self.items.push(item);
    }

    /// The generated repr, without the note.
    pub fn repr(&self) -> String {
        let items: Vec<String> = self.items.iter().map(LineItem::repr).collect();
        format!(
            "Order(id={}, items=[{}], total={})",
            str_repr(&self.id),
            items.join(", "),
            self.total
        )
    }

    /// What the fixture `order_state` reads: `(id, items, note, total)`.
    pub fn value(&self) -> Value {
        Value::Tuple(vec![
            Value::str(&self.id),
            Value::List(self.items.iter().map(LineItem::value).collect()),
            Value::str(&self.note),
            Value::Int(self.total),
        ])
    }
}

/// `(name, init, repr)` of each field of `Order`, in order.
pub fn order_field_table() -> Value {
    let row = |name: &str, init: bool, repr: bool| {
        Value::Tuple(vec![Value::str(name), Value::Bool(init), Value::Bool(repr)])
    };
    Value::List(vec![
        row("id", true, true),
        row("items", true, true),
        row("note", true, false),
        row("total", false, true),
    ])
}

// ---- fixtures: exact readings of the candidate's objects ----------------

const FIXTURES: &str = r#"
import dataclasses as _dataclasses

_fields = _dataclasses.fields


def field_table(cls):
    """(name, init, repr) of each field dataclasses.fields lists."""
    return [(f.name, f.init, f.repr) for f in _fields(cls)]


def version_tuple(v):
    return (v.major, v.minor, v.patch)


def version_tuples(versions):
    return [version_tuple(v) for v in versions]


def item_tuple(item):
    return (item.sku, item.qty, item.price_cents)


def order_state(order):
    """(id, items as tuples, note, total), read field by field."""
    return (order.id, [item_tuple(i) for i in order.items], order.note, order.total)


def subclass_of(cls):
    """A plain subclass, to see what a classmethod builds."""
    return type("MyVersion", (cls,), {})
"#;

fn fixture(name: &str, args: Vec<Expr>) -> Expr {
    Expr::fixture(name).call(args)
}

fn version_tuple(of: Expr) -> Expr {
    fixture("version_tuple", vec![of])
}

fn parse(text: &str) -> Expr {
    Expr::name("Version").method("parse", vec![Expr::lit(text)])
}

fn builtin(name: &str, args: Vec<Expr>) -> Expr {
    Expr::builtin(name).call(args)
}

/// `version_tuple(Version.parse(text))`, observed as the reference parses it.
fn observe_parse(script: Script, text: &str) -> Script {
    let expected = Version::parse(text).map_or_else(|| raises("ValueError"), Version::value);
    script.observe(version_tuple(parse(text)), expected)
}

/// A check that starts by building `v = Version(1, 2, 3)`, so that an
/// untouched stub stops at once.
fn with_v() -> Script {
    Script::new().bind("v", Version::new(1, 2, 3).expr())
}

const INVALID: [&str; 16] = [
    "",
    "1.2",
    "1.2.3.4",
    "01.2.3",
    "1.02.3",
    "1.2.03",
    "a.b.c",
    "-1.2.3",
    "+1.2.3",
    " 1.2.3",
    "1.2.3\n",
    "1..3",
    "1.2.",
    "1_0.2.3",
    "\u{0661}.2.3",
    "1.2.3-rc1",
];

fn fixed_checks() -> Vec<Check<Script>> {
    let v123 = Version::new(1, 2, 3);
    let mut checks = vec![];

    checks.push(Check::new(
        "version_fields",
        "Version is a dataclass with the fields major, minor, patch",
        2,
        vec![
            with_v()
                .observe(
                    fixture("field_table", vec![Expr::name("Version")]),
                    Value::List(
                        ["major", "minor", "patch"]
                            .iter()
                            .map(|n| {
                                Value::Tuple(vec![
                                    Value::str(*n),
                                    Value::Bool(true),
                                    Value::Bool(true),
                                ])
                            })
                            .collect(),
                    ),
                )
                .observe(version_tuple(Expr::var("v")), v123.value()),
            Script::new().observe(
                version_tuple(Expr::name("Version").call_kw(
                    vec![],
                    vec![
                        ("patch", Expr::lit(3)),
                        ("major", Expr::lit(1)),
                        ("minor", Expr::lit(2)),
                    ],
                )),
                v123.value(),
            ),
        ],
    ));

    checks.push(Check::new(
        "version_str",
        "str(Version) is major.minor.patch",
        1,
        vec![
            with_v().observe(builtin("str", vec![Expr::var("v")]), v123.to_string()),
            Script::new().observe(
                builtin("str", vec![Version::new(10, 0, 27).expr()]),
                Version::new(10, 0, 27).to_string(),
            ),
        ],
    ));

    checks.push(Check::new(
        "version_repr",
        "repr(Version) is the generated dataclass repr",
        1,
        vec![with_v().observe(builtin("repr", vec![Expr::var("v")]), v123.repr())],
    ));

    checks.push(Check::new(
        "version_equality",
        "Versions are equal by value, and never equal to a tuple",
        2,
        vec![
            with_v()
                .observe(Expr::var("v").eq(v123.expr()), true)
                .observe(Expr::var("v").eq(Version::new(1, 2, 4).expr()), false)
                .observe(
                    Expr::var("v").eq(Expr::Tuple(vec![
                        Expr::lit(1),
                        Expr::lit(2),
                        Expr::lit(3),
                    ])),
                    false,
                ),
        ],
    ));

    let pairs = [
        (Version::new(1, 9, 0), Version::new(1, 10, 0)),
        (Version::new(1, 10, 0), Version::new(1, 9, 0)),
        (Version::new(2, 0, 0), Version::new(1, 99, 99)),
        (Version::new(1, 2, 3), Version::new(1, 2, 3)),
        (Version::new(0, 0, 9), Version::new(0, 0, 10)),
    ];
    let mut order = with_v();
    for (a, b) in pairs {
        order = order.observe(a.expr().lt(b.expr()), a < b);
    }
    let unsorted = [
        Version::new(1, 10, 0),
        Version::new(1, 9, 5),
        Version::new(0, 12, 1),
        Version::new(1, 9, 10),
    ];
    order = observe_sorted(order, &unsorted);
    checks.push(Check::new(
        "version_order",
        "Versions order numerically, field by field",
        2,
        vec![order],
    ));

    checks.push(Check::new(
        "version_hashable",
        "Versions are hashable: equal ones hash alike, they work in sets and as keys",
        2,
        vec![
            with_v()
                .observe(
                    builtin("hash", vec![Expr::var("v")]).eq(builtin("hash", vec![v123.expr()])),
                    true,
                )
                .observe(
                    builtin(
                        "len",
                        vec![builtin(
                            "set",
                            vec![Expr::List(vec![
                                Expr::var("v"),
                                v123.expr(),
                                Version::new(3, 2, 1).expr(),
                            ])],
                        )],
                    ),
                    2,
                )
                .observe(
                    Expr::Dict(vec![(Expr::var("v"), Expr::lit("found"))]).item(v123.expr()),
                    "found",
                ),
        ],
    ));

    checks.push(Check::new(
        "version_frozen",
        "a Version is frozen: assignment raises FrozenInstanceError",
        2,
        vec![
            with_v()
                .set_attr(
                    Expr::var("v"),
                    "major",
                    Expr::lit(9),
                    raises("FrozenInstanceError"),
                )
                .del_attr(Expr::var("v"), "patch", raises("FrozenInstanceError"))
                .set_attr(
                    Expr::var("v"),
                    "build",
                    Expr::lit(1),
                    raises("FrozenInstanceError"),
                )
                .observe(version_tuple(Expr::var("v")), v123.value()),
        ],
    ));

    let mut valid = with_v();
    for text in ["1.2.3", "0.0.0", "10.20.30", "0.10.0"] {
        valid = observe_parse(valid, text);
    }
    valid = valid.observe(parse("1.2.3").type_name(), "Version");
    checks.push(Check::new(
        "version_parse",
        "Version.parse reads MAJOR.MINOR.PATCH",
        2,
        vec![valid],
    ));

    checks.push(Check::new(
        "version_parse_classmethod",
        "Version.parse is a classmethod: on a subclass it builds the subclass",
        1,
        vec![
            with_v()
                .bind(
                    "MyVersion",
                    fixture("subclass_of", vec![Expr::name("Version")]),
                )
                .observe(
                    Expr::var("MyVersion")
                        .method("parse", vec![Expr::lit("4.5.6")])
                        .type_name(),
                    "MyVersion",
                ),
        ],
    ));

    let mut invalid = with_v();
    for text in INVALID {
        invalid = observe_parse(invalid, text);
    }
    checks.push(Check::new(
        "version_parse_rejects",
        "Version.parse raises ValueError for anything but MAJOR.MINOR.PATCH",
        2,
        vec![invalid],
    ));

    let mut bump = with_v();
    for part in ["major", "minor", "patch"] {
        let next = v123.bump(part).expect("a known part");
        bump = bump.observe(
            version_tuple(Expr::var("v").method("bump", vec![Expr::lit(part)])),
            next.value(),
        );
    }
    bump = bump
        .observe(
            Expr::var("v")
                .method("bump", vec![Expr::lit("patch")])
                .type_name(),
            "Version",
        )
        .observe(
            Expr::var("v").method("bump", vec![Expr::lit("build")]),
            raises("ValueError"),
        )
        .observe(version_tuple(Expr::var("v")), v123.value());
    checks.push(Check::new(
        "version_bump",
        "bump returns a new Version and resets the lower parts",
        2,
        vec![bump],
    ));

    let pen = LineItem::new("pen", 2, 150).expect("valid");
    checks.push(Check::new(
        "line_item_frozen",
        "LineItem is a frozen dataclass: fields, equality, hashing, no assignment",
        2,
        vec![
            Script::new()
                .bind("item", pen.expr())
                .observe(
                    fixture("field_table", vec![Expr::name("LineItem")]),
                    Value::List(
                        ["sku", "qty", "price_cents"]
                            .iter()
                            .map(|n| {
                                Value::Tuple(vec![
                                    Value::str(*n),
                                    Value::Bool(true),
                                    Value::Bool(true),
                                ])
                            })
                            .collect(),
                    ),
                )
                .observe(fixture("item_tuple", vec![Expr::var("item")]), pen.value())
                .observe(builtin("repr", vec![Expr::var("item")]), pen.repr())
                .observe(Expr::var("item").eq(pen.expr()), true)
                .observe(
                    builtin("hash", vec![Expr::var("item")]).eq(builtin("hash", vec![pen.expr()])),
                    true,
                )
                .set_attr(
                    Expr::var("item"),
                    "qty",
                    Expr::lit(5),
                    raises("FrozenInstanceError"),
                )
                .observe(fixture("item_tuple", vec![Expr::var("item")]), pen.value()),
        ],
    ));

    let mut rejects = Script::new().bind("item", pen.expr());
    for (qty, price) in [(0, 100), (-1, 100), (1, -1), (3, 0)] {
        let expected = LineItem::new("x", qty, price)
            .map_or_else(|| raises("ValueError"), |item| item.value());
        rejects = rejects.observe(
            fixture("item_tuple", vec![line_item("x", qty, price)]),
            expected,
        );
    }
    checks.push(Check::new(
        "line_item_validates",
        "LineItem's __post_init__ refuses qty <= 0 and a negative price",
        2,
        vec![rejects],
    ));

    checks.push(Check::new(
        "order_fields",
        "Order's fields: note left out of repr, total not an __init__ parameter",
        2,
        vec![
            Script::new()
                .bind("order", Expr::name("Order").call(vec![Expr::lit("A1")]))
                .observe(
                    fixture("field_table", vec![Expr::name("Order")]),
                    order_field_table(),
                )
                .observe(
                    Expr::name("Order").call_kw(vec![Expr::lit("A2")], vec![("total", Expr::lit(5))]),
                    raises("TypeError"),
                ),
        ],
    ));

    let items = vec![
        LineItem::new("pen", 2, 150).expect("valid"),
        LineItem::new("ink", 1, 99).expect("valid"),
    ];
    let full = Order::new("A1", items.clone(), "gift");
    let empty = Order::new("A2", vec![], "");
    checks.push(Check::new(
        "order_total",
        "Order.total is computed from the items in __post_init__",
        2,
        vec![
            Script::new()
                .bind(
                    "order",
                    Expr::name("Order").call_kw(
                        vec![
                            Expr::lit("A1"),
                            Expr::List(items.iter().map(LineItem::expr).collect()),
                        ],
                        vec![("note", Expr::lit("gift"))],
                    ),
                )
                .observe(Expr::var("order").attr("total"), full.total)
                .observe(fixture("order_state", vec![Expr::var("order")]), full.value())
                .observe(
                    fixture(
                        "order_state",
                        vec![Expr::name("Order").call(vec![Expr::lit("A2")])],
                    ),
                    empty.value(),
                ),
        ],
    ));

    let mut grown = Order::new("A1", vec![], "");
    let mut add = Script::new().bind("order", Expr::name("Order").call(vec![Expr::lit("A1")]));
    for item in &items {
        grown.add(item.clone());
        add = add
            .observe(Expr::var("order").method("add", vec![item.expr()]), Value::None)
            .observe(Expr::var("order").attr("total"), grown.total);
    }
    add = add.observe(fixture("order_state", vec![Expr::var("order")]), grown.value());
    checks.push(Check::new(
        "order_add",
        "Order.add appends the item, keeps total current and returns None",
        2,
        vec![add],
    ));

    let shown = Order::new("A1", vec![pen.clone()], "secret");
    checks.push(Check::new(
        "order_repr",
        "repr(Order) is the generated one, without the note",
        2,
        vec![
            Script::new()
                .bind(
                    "order",
                    Expr::name("Order").call_kw(
                        vec![Expr::lit("A1"), Expr::List(vec![pen.expr()])],
                        vec![("note", Expr::lit("secret"))],
                    ),
                )
                .observe(builtin("repr", vec![Expr::var("order")]), shown.repr()),
        ],
    ));

    let order_of = |id: &str, note: &str| {
        Expr::name("Order").call_kw(
            vec![Expr::lit(id), Expr::List(vec![pen.expr()])],
            vec![("note", Expr::lit(note))],
        )
    };
    checks.push(Check::new(
        "order_equality",
        "Orders compare all their fields and are not hashable",
        1,
        vec![
            Script::new()
                .bind("order", order_of("A1", "n"))
                .observe(Expr::var("order").eq(order_of("A1", "n")), true)
                .observe(Expr::var("order").eq(order_of("A1", "m")), false)
                .observe(Expr::var("order").eq(order_of("A2", "n")), false)
                .observe(
                    Expr::var("order").eq(Expr::name("Order").call(vec![Expr::lit("A1")])),
                    false,
                )
                .observe(builtin("hash", vec![Expr::var("order")]), raises("TypeError")),
        ],
    ));

    checks.push(Check::new(
        "order_default_independent",
        "every Order gets its own items list",
        2,
        vec![
            Script::new()
                .bind("a", Expr::name("Order").call(vec![Expr::lit("a")]))
                .bind("b", Expr::name("Order").call(vec![Expr::lit("b")]))
                .observe(
                    Expr::var("a").attr("items").is(Expr::var("b").attr("items")),
                    false,
                )
                .run(Expr::var("a").method("add", vec![pen.expr()]))
                .observe(Expr::var("b").attr("items"), Value::List(vec![]))
                .observe(Expr::var("b").attr("total"), 0)
                .observe(
                    fixture(
                        "order_state",
                        vec![Expr::name("Order").call(vec![Expr::lit("c")])],
                    ),
                    Order::new("c", vec![], "").value(),
                ),
        ],
    ));

    checks
}

// ---- generated cases ------------------------------------------------------

fn random_version(rng: &mut Rng, parts: &[u64]) -> Version {
    let mut pick = || parts[rng.random_range(0..parts.len())];
    Version::new(pick(), pick(), pick())
}

/// A version string, valid or broken in one of the ways the contract names.
fn random_version_text(rng: &mut Rng) -> String {
    let v = random_version(rng, &[0, 1, 2, 7, 10, 12, 99, 2026]);
    let mut parts = vec![v.major.to_string(), v.minor.to_string(), v.patch.to_string()];
    let at = rng.random_range(0..3);
    match rng.random_range(0..12) {
        0 => parts[at] = format!("0{}", parts[at]),
        1 => {
            parts.remove(at);
        }
        2 => parts.push(rng.random_range(0..10).to_string()),
        3 => parts[0] = format!("+{}", parts[0]),
        4 => parts[2] = format!("{}\n", parts[2]),
        5 => parts[at] = format!(" {}", parts[at]),
        6 => parts[at] = String::new(),
        7 => parts[at] = format!("1_{}", parts[at]),
        8 => parts[at] = "\u{0663}".to_string(),
        _ => {}
    }
    parts.join(".")
}

fn generated_checks(rng: &mut Rng) -> Vec<Check<Script>> {
    let mut checks = vec![];

    let mut parse = with_v();
    for _ in 0..10 {
        parse = observe_parse(parse, &random_version_text(rng));
    }
    checks.push(Check::new(
        "version_parse_random",
        "Version.parse on random version strings",
        2,
        vec![parse],
    ));

    let versions: Vec<Version> = (0..7)
        .map(|_| random_version(rng, &[0, 1, 2, 9, 10, 11]))
        .collect();
    let mut order = with_v();
    for pair in versions.windows(2) {
        order = order.observe(pair[0].expr().lt(pair[1].expr()), pair[0] < pair[1]);
    }
    order = observe_sorted(order, &versions);
    checks.push(Check::new(
        "version_order_random",
        "sorting random Versions",
        2,
        vec![order],
    ));

    let mut bump = with_v();
    for _ in 0..5 {
        let v = random_version(rng, &[0, 1, 3, 8, 9, 10]);
        let part = ["major", "minor", "patch"][rng.random_range(0..3)];
        let next = v.bump(part).expect("a known part");
        bump = bump.observe(
            version_tuple(v.expr().method("bump", vec![Expr::lit(part)])),
            next.value(),
        );
    }
    checks.push(Check::new(
        "version_bump_random",
        "bumping random Versions",
        1,
        vec![bump],
    ));

    let skus = ["pen", "ink", "pad", "clip", "tape"];
    let random_item = |rng: &mut Rng| {
        let sku = skus[rng.random_range(0..skus.len())];
        let qty = rng.random_range(1..6);
        let price = if rng.random_bool(0.2) {
            0
        } else {
            rng.random_range(1..500)
        };
        LineItem::new(sku, qty, price).expect("valid")
    };
    let initial: Vec<LineItem> = (0..rng.random_range(0..3))
        .map(|_| random_item(rng))
        .collect();
    let mut reference = Order::new("R1", initial.clone(), "");
    let mut script = with_v()
        .bind(
            "order",
            Expr::name("Order").call(vec![
                Expr::lit("R1"),
                Expr::List(initial.iter().map(LineItem::expr).collect()),
            ]),
        )
        .observe(Expr::var("order").attr("total"), reference.total);
    for _ in 0..rng.random_range(2..5) {
        if rng.random_bool(0.25) {
            let (qty, price) = if rng.random_bool(0.5) {
                (rng.random_range(-2..1), 10)
            } else {
                (1, rng.random_range(-5..0))
            };
            script = script.observe(
                fixture("item_tuple", vec![line_item("bad", qty, price)]),
                raises("ValueError"),
            );
        }
        let item = random_item(rng);
        script = script.run(Expr::var("order").method("add", vec![item.expr()]));
        reference.add(item);
        script = script.observe(Expr::var("order").attr("total"), reference.total);
    }
    script = script.observe(
        fixture("order_state", vec![Expr::var("order")]),
        reference.value(),
    );
    checks.push(Check::new(
        "order_total_random",
        "an Order's total through random items and additions",
        2,
        vec![script],
    ));

    checks
}

/// `sorted([...])` of `versions`, read back as tuples: the reference's
/// numeric, field-by-field order.
fn observe_sorted(script: Script, versions: &[Version]) -> Script {
    let mut sorted = versions.to_vec();
    sorted.sort();
    script.observe(
        fixture(
            "version_tuples",
            vec![builtin(
                "sorted",
                vec![Expr::List(versions.iter().map(|v| v.expr()).collect())],
            )],
        ),
        Value::List(sorted.iter().map(|v| v.value()).collect()),
    )
}

impl ScriptedExercise for DataClassesExercise {
    fn id(&self) -> &'static str {
        "dataclasses"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        fixed_checks()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        generated_checks(rng)
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_accepts_only_plain_versions() {
        assert_eq!(Version::parse("1.2.3"), Some(Version::new(1, 2, 3)));
        assert_eq!(Version::parse("0.0.0"), Some(Version::new(0, 0, 0)));
        assert_eq!(Version::parse("10.20.30"), Some(Version::new(10, 20, 30)));
        for bad in INVALID {
            assert_eq!(Version::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn versions_order_numerically() {
        assert!(Version::new(1, 9, 0) < Version::new(1, 10, 0));
        assert!(Version::new(2, 0, 0) > Version::new(1, 99, 99));
        assert_eq!(Version::new(1, 2, 3).to_string(), "1.2.3");
        assert_eq!(
            Version::new(1, 2, 3).repr(),
            "Version(major=1, minor=2, patch=3)"
        );
    }

    #[test]
    fn bump_resets_the_lower_parts() {
        let v = Version::new(1, 2, 3);
        assert_eq!(v.bump("major"), Some(Version::new(2, 0, 0)));
        assert_eq!(v.bump("minor"), Some(Version::new(1, 3, 0)));
        assert_eq!(v.bump("patch"), Some(Version::new(1, 2, 4)));
        assert_eq!(v.bump("build"), None);
    }

    #[test]
    fn orders_total_their_items() {
        assert_eq!(LineItem::new("x", 0, 5), None);
        assert_eq!(LineItem::new("x", 1, -1), None);
        let pen = LineItem::new("pen", 2, 150).unwrap();
        let mut order = Order::new("A1", vec![pen.clone()], "secret");
        assert_eq!(order.total, 300);
        assert_eq!(
            order.repr(),
            "Order(id='A1', items=[LineItem(sku='pen', qty=2, price_cents=150)], total=300)"
        );
        order.add(LineItem::new("ink", 1, 99).unwrap());
        assert_eq!(order.total, 399);
    }
}
