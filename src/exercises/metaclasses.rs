//! `metaclasses` (question 24): classes are instances of their metaclass,
//! so the metaclass's code runs once per class statement: a metaclass that
//! registers concrete classes by name, one that refuses a class lacking the
//! methods its interface requires, and `__init_subclass__` doing the
//! registering from a base class instead.
//!
//! Reference, in plain Rust: [`World`], a model of the classes a scenario
//! defines (bases, metaclass, own body, the MRO by C3 as Python computes it,
//! attribute lookup along it) and of what each of the three mechanisms does
//! when a class is created: [`World::define`] says whether the class
//! statement succeeds (or the `TypeError` it raises, with `Strict`'s exact
//! message) and keeps `PluginMeta.registry`, `Plugin.registry` and what a
//! cooperating base's `__init_subclass__` received.
//!
//! The child defines the classes with the `new_class` fixture, which runs
//! what the class statement runs (metaclass from `metaclass=` or the bases,
//! `__prepare__`, `metaclass(name, bases, namespace, **kwds)`). The candidate's
//! module is imported once per child, so every scenario begins by emptying
//! the registries (`PluginMeta.registry.clear()`, `Plugin.registry.clear()`,
//! visible in the call as the stub announces). A registry is observed
//! natively (the `registry` probe): it must be an exact dict, read through
//! the C API, each class shown by the scenario variable bound to that very
//! object, so identity (not equality, not a name) is what is compared.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rand::RngExt;

use crate::driver::{Candidate, Observed, extract, object_type_name};
use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::Value;

pub struct MetaclassesExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<MetaclassesExercise> = Scripted(MetaclassesExercise);

// ---- the Rust reference -------------------------------------------------

/// The metaclass of a class in a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meta {
    Type,
    PluginMeta,
    Strict,
}

impl Meta {
    fn name(self) -> &'static str {
        match self {
            Meta::Type => "type",
            Meta::PluginMeta => "PluginMeta",
            Meta::Strict => "Strict",
        }
    }
}

/// A value in a class body or a class keyword.
#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    Str(String),
    None,
    Int(i64),
    /// A function (callable).
    Method,
    /// A tuple of names (`required = ("area", "draw")`).
    Names(Vec<String>),
}

/// One class statement: `class name(*bases, metaclass=meta, key=key,
/// **extra): body`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassDef {
    pub name: String,
    /// Names of classes defined earlier in the scenario (or `Plugin`).
    pub bases: Vec<String>,
    pub meta: Option<Meta>,
    pub body: Vec<(String, Member)>,
    /// The `key=` keyword (for `Plugin` subclasses).
    pub key: Option<String>,
    /// Other keywords (`tag=`, `color=`).
    pub extra: Vec<(String, Member)>,
}

/// A class that exists in the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Class {
    pub name: String,
    pub bases: Vec<usize>,
    pub meta: Meta,
    pub body: Vec<(String, Member)>,
    pub kind: Kind,
}

/// What a class's own `__init_subclass__` does to its subclasses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    /// The candidate's `Plugin`: takes `key`.
    PluginRoot,
    /// The fixture `Tagged`: takes `tag` and records it.
    Tagged,
}

/// Why a class statement fails: a `TypeError`, with the message where the
/// contract states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub message: Option<String>,
}

/// The classes of one scenario and what the three mechanisms keep.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub classes: Vec<Class>,
    /// `PluginMeta.registry`, in insertion order: name, class index.
    pub by_name: Vec<(String, usize)>,
    /// `Plugin.registry`: key, class index.
    pub by_key: Vec<(String, usize)>,
    /// What `Tagged.__init_subclass__` recorded: class name, tag.
    pub tags: Vec<(String, Option<String>)>,
}

/// C3: the merge of the bases' linearisations and the bases themselves.
fn c3_merge(mut seqs: Vec<Vec<usize>>) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Some(out);
        }
        // The first head that is in no other sequence's tail.
        let head = seqs
            .iter()
            .map(|s| s[0])
            .find(|h| seqs.iter().all(|s| !s[1..].contains(h)))?;
        out.push(head);
        for s in &mut seqs {
            if s[0] == head {
                s.remove(0);
            }
        }
    }
}

impl World {
    pub fn new() -> World {
        World::default()
    }

    pub fn index(&self, name: &str) -> Option<usize> {
        self.classes.iter().position(|c| c.name == name)
    }

    /// Adds a class that exists before the scenario (the candidate's
    /// `Plugin`, the fixture `Tagged`), without running any hook.
    pub fn existing(&mut self, name: &str, kind: Kind) -> usize {
        self.classes.push(Class {
            name: name.to_string(),
            bases: vec![],
            meta: Meta::Type,
            body: vec![],
            kind,
        });
        self.classes.len() - 1
    }

    /// The MRO of class `i` (itself first; `object` left out).
    pub fn mro(&self, i: usize) -> Vec<usize> {
        self.mro_of(i, &self.classes[i].bases)
            .expect("the scenarios define consistent hierarchies")
    }

    fn mro_of(&self, i: usize, bases: &[usize]) -> Option<Vec<usize>> {
        let mut seqs: Vec<Vec<usize>> = bases.iter().map(|b| self.mro(*b)).collect();
        seqs.push(bases.to_vec());
        let mut mro = vec![i];
        mro.extend(c3_merge(seqs)?);
        Some(mro)
    }

    /// `getattr(cls, attr)` over the MRO `mro`.
    fn lookup<'a>(&'a self, mro: &[usize], own: &'a [(String, Member)], attr: &str) -> Option<&'a Member> {
        let find = |body: &'a [(String, Member)]| body.iter().find(|(k, _)| k == attr).map(|(_, v)| v);
        find(own).or_else(|| mro[1..].iter().find_map(|c| find(&self.classes[*c].body)))
    }

    /// `Strict`'s verdict on a class with MRO `mro` and body `own`: the
    /// missing names in the order of `required` (empty: accepted).
    pub fn strict_missing(&self, mro: &[usize], own: &[(String, Member)]) -> Vec<String> {
        if own.iter().any(|(k, _)| k == "required") {
            return vec![];
        }
        let required = match self.lookup(mro, own, "required") {
            Some(Member::Names(names)) => names.clone(),
            _ => vec![],
        };
        required
            .into_iter()
            .filter(|n| !matches!(self.lookup(mro, own, n), Some(Member::Method)))
            .collect()
    }

    /// Runs the class statement: the new class's index, or the `TypeError`.
    pub fn define(&mut self, def: &ClassDef) -> Result<usize, Refused> {
        let bases: Vec<usize> = def
            .bases
            .iter()
            .map(|b| self.index(b).expect("bases are defined first"))
            .collect();
        // The most derived metaclass (the scenarios never mix two of ours).
        let meta = def.meta.unwrap_or_else(|| {
            bases
                .iter()
                .map(|b| self.classes[*b].meta)
                .find(|m| *m != Meta::Type)
                .unwrap_or(Meta::Type)
        });
        let i = self.classes.len();
        let mro = self.mro_of(i, &bases).expect("consistent hierarchy");
        let refused = |message: Option<String>| Err(Refused { message });
        // PluginMeta refuses a duplicate before the class exists.
        let own_name = match def.body.iter().find(|(k, _)| k == "name") {
            Some((_, Member::Str(s))) if meta == Meta::PluginMeta => Some(s.clone()),
            _ => None,
        };
        if let Some(name) = &own_name
            && self.by_name.iter().any(|(n, _)| n == name)
        {
            return refused(None);
        }
        // type.__new__ calls __init_subclass__ along the MRO (from the first
        // base), each hook taking its keywords and passing the rest on; the
        // hooks record after their super() call returns.
        let mut rest: Vec<&str> = def.extra.iter().map(|(k, _)| k.as_str()).collect();
        if def.key.is_some() {
            rest.push("key");
        }
        let mut key_taken = false;
        let mut tag_taken: Option<Option<String>> = None;
        for c in &mro[1..] {
            match self.classes[*c].kind {
                Kind::PluginRoot if !key_taken => {
                    key_taken = true;
                    rest.retain(|k| *k != "key");
                }
                Kind::Tagged if tag_taken.is_none() => {
                    let tag = def.extra.iter().find(|(k, _)| k == "tag").map(|(_, v)| v);
                    tag_taken = Some(match tag {
                        Some(Member::Str(s)) => Some(s.clone()),
                        _ => None,
                    });
                    rest.retain(|k| *k != "tag");
                }
                _ => {}
            }
        }
        if !rest.is_empty() {
            // object.__init_subclass__ takes no keywords.
            return refused(None);
        }
        if let Some(tag) = tag_taken {
            self.tags.push((def.name.clone(), tag));
        }
        let key = if key_taken { def.key.clone() } else { None };
        if let Some(key) = &key
            && self.by_key.iter().any(|(k, _)| k == key)
        {
            return refused(None);
        }
        if meta == Meta::Strict {
            let missing = self.strict_missing(&mro, &def.body);
            if !missing.is_empty() {
                return refused(Some(format!("{} is missing {}", def.name, missing.join(", "))));
            }
        }
        self.classes.push(Class {
            name: def.name.clone(),
            bases,
            meta,
            body: def.body.clone(),
            kind: Kind::Plain,
        });
        if let Some(name) = own_name {
            self.by_name.push((name, i));
        }
        if let Some(key) = key {
            self.by_key.push((key, i));
        }
        Ok(i)
    }

    /// A registry with each class by name.
    pub fn names(&self, registry: &[(String, usize)]) -> Vec<(String, String)> {
        registry
            .iter()
            .map(|(k, c)| (k.clone(), self.classes[*c].name.clone()))
            .collect()
    }
}

// ---- scripts ------------------------------------------------------------

fn lit(value: impl Into<Value>) -> Expr {
    Expr::lit(value)
}

fn member_expr(member: &Member) -> Expr {
    match member {
        Member::Str(s) => lit(s.as_str()),
        Member::None => lit(Value::None),
        Member::Int(i) => lit(*i),
        Member::Method => Expr::fixture("method"),
        Member::Names(names) => lit(Value::Tuple(
            names.iter().map(|n| Value::str(n.as_str())).collect(),
        )),
    }
}

/// The expression naming a class of the scenario.
fn class_expr(name: &str) -> Expr {
    if name == "Plugin" {
        Expr::name("Plugin")
    } else {
        Expr::var(name)
    }
}

/// A scenario: the model and the script that defines and observes it.
struct Scenario {
    world: World,
    script: Script,
}

/// Where the registry a scenario observes lives.
#[derive(Clone, Copy)]
enum Registry {
    PluginMeta,
    Plugin,
}

impl Registry {
    fn expr(self) -> Expr {
        match self {
            Registry::PluginMeta => Expr::name("PluginMeta").attr("registry"),
            Registry::Plugin => Expr::name("Plugin").attr("registry"),
        }
    }

    fn text(self) -> &'static str {
        match self {
            Registry::PluginMeta => "PluginMeta.registry",
            Registry::Plugin => "Plugin.registry",
        }
    }
}

impl Scenario {
    /// A scenario on `PluginMeta` (its registry emptied first).
    fn plugin_meta() -> Scenario {
        Scenario {
            world: World::new(),
            script: Script::new().run(Registry::PluginMeta.expr().method("clear", vec![])),
        }
    }

    /// A scenario on `Strict`.
    fn strict() -> Scenario {
        Scenario {
            world: World::new(),
            script: Script::new(),
        }
    }

    /// A scenario on `Plugin` (its registry emptied first).
    fn plugin() -> Scenario {
        let mut world = World::new();
        world.existing("Plugin", Kind::PluginRoot);
        Scenario {
            world,
            script: Script::new().run(Registry::Plugin.expr().method("clear", vec![])),
        }
    }

    /// `Tagged = tagged()`: a fresh fixture base whose `__init_subclass__`
    /// takes `tag` and records it in `Tagged.seen`.
    fn tagged(&mut self) {
        self.world.existing("Tagged", Kind::Tagged);
        let script = std::mem::take(&mut self.script);
        self.script = script.bind("Tagged", Expr::fixture("tagged").call(vec![]));
    }

    /// The class statement, with what it must do.
    fn define(&mut self, def: ClassDef) -> bool {
        let mut kwargs: Vec<(&str, Expr)> = Vec::new();
        if let Some(meta) = def.meta {
            kwargs.push(("metaclass", Expr::name(meta.name())));
        }
        if let Some(key) = &def.key {
            kwargs.push(("key", lit(key.as_str())));
        }
        for (k, v) in &def.extra {
            kwargs.push((k.as_str(), member_expr(v)));
        }
        let expr = Expr::fixture("new_class").call_kw(
            vec![
                lit(def.name.as_str()),
                Expr::Tuple(def.bases.iter().map(|b| class_expr(b)).collect()),
                Expr::Dict(
                    def.body
                        .iter()
                        .map(|(k, v)| (lit(k.as_str()), member_expr(v)))
                        .collect(),
                ),
            ],
            kwargs,
        );
        let outcome = self.world.define(&def);
        let script = std::mem::take(&mut self.script);
        self.script = match &outcome {
            Ok(_) => script.bind(&def.name, expr),
            Err(refused) => {
                let script = script.observe(
                    expr.raises_as(Expr::builtin("TypeError")),
                    raises("TypeError"),
                );
                match &refused.message {
                    // getattr with a default: a class created where it must
                    // not be fails at the step before, not with an error here.
                    Some(message) => script.observe(
                        Expr::builtin("getattr").call(vec![
                            Expr::Caught,
                            lit("args"),
                            lit(Value::None),
                        ]),
                        Value::Tuple(vec![Value::str(message.as_str())]),
                    ),
                    None => script,
                }
            }
        };
        outcome.is_ok()
    }

    /// Observes a registry: `[(key, the variable bound to that class)]`.
    fn observe_registry(&mut self, registry: Registry) {
        let entries = match registry {
            Registry::PluginMeta => self.world.names(&self.world.by_name),
            Registry::Plugin => self.world.names(&self.world.by_key),
        };
        let classes = Expr::Dict(
            self.world
                .classes
                .iter()
                .map(|c| (lit(c.name.as_str()), class_expr(&c.name)))
                .collect(),
        );
        let expected = Value::List(
            entries
                .into_iter()
                .map(|(k, c)| Value::Tuple(vec![Value::Str(k), Value::Str(c)]))
                .collect(),
        );
        let text = format!(
            "[(key, the variable bound to cls) for key, cls in {}.items()]",
            registry.text()
        );
        let script = std::mem::take(&mut self.script);
        self.script = script.probe("registry", &text, vec![registry.expr(), classes], expected);
    }

    /// `Plugin.get(key)` for each key: the registered class (by identity)
    /// or `KeyError`.
    fn observe_get(&mut self, keys: &[&str]) {
        for key in keys {
            let get = Expr::name("Plugin").method("get", vec![lit(*key)]);
            let found = self.world.by_key.iter().find(|(k, _)| k == key);
            let script = std::mem::take(&mut self.script);
            self.script = match found {
                Some((_, c)) => {
                    script.observe(get.is(class_expr(&self.world.classes[*c].name)), true)
                }
                None => script.observe(get.raises_as(Expr::builtin("KeyError")), raises("KeyError")),
            };
        }
    }

    fn observe(&mut self, expr: Expr, expected: impl Into<Value>) {
        let script = std::mem::take(&mut self.script);
        self.script = script.observe(expr, expected);
    }
}

fn names(items: &[&str]) -> Member {
    Member::Names(items.iter().map(|s| s.to_string()).collect())
}

fn s(text: &str) -> Member {
    Member::Str(text.to_string())
}

/// A class statement.
fn class(name: &str, bases: &[&str], body: Vec<(&str, Member)>) -> ClassDef {
    ClassDef {
        name: name.to_string(),
        bases: bases.iter().map(|b| b.to_string()).collect(),
        meta: None,
        body: body.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        key: None,
        extra: vec![],
    }
}

fn with_meta(mut def: ClassDef, meta: Meta) -> ClassDef {
    def.meta = Some(meta);
    def
}

fn keyed(name: &str, bases: &[&str], key: Option<&str>) -> ClassDef {
    let mut def = class(name, bases, vec![]);
    def.key = key.map(str::to_string);
    def
}

fn is_type(meta: &str) -> Expr {
    Expr::builtin("issubclass").call(vec![Expr::name(meta), Expr::builtin("type")])
}

fn type_is(class: &str, meta: &str) -> Expr {
    Expr::builtin("type")
        .call(vec![Expr::var(class)])
        .is(Expr::name(meta))
}

fn plugin_meta_checks() -> Vec<Check<Script>> {
    let pm = Meta::PluginMeta;
    let mut registers = Scenario::plugin_meta();
    registers.define(with_meta(class("Base", &[], vec![]), pm));
    registers.define(class("Csv", &["Base"], vec![("name", s("csv"))]));
    registers.define(class("Json", &["Base"], vec![("name", s("json"))]));
    registers.define(with_meta(class("Xml", &[], vec![("name", s("xml"))]), pm));
    registers.observe(is_type("PluginMeta"), true);
    registers.observe(type_is("Json", "PluginMeta"), true);
    registers.observe_registry(Registry::PluginMeta);

    let mut abstract_ = Scenario::plugin_meta();
    abstract_.define(with_meta(class("Base", &[], vec![]), pm));
    abstract_.define(class("Mid", &["Base"], vec![("doc", s("an abstract middle"))]));
    abstract_.define(class("Null", &["Base"], vec![("name", Member::None)]));
    abstract_.define(class("Number", &["Mid"], vec![("name", Member::Int(3))]));
    abstract_.define(class("Csv", &["Mid"], vec![("name", s("csv"))]));
    abstract_.observe_registry(Registry::PluginMeta);

    let mut inherited = Scenario::plugin_meta();
    inherited.define(with_meta(class("Base", &[], vec![]), pm));
    inherited.define(class("Csv", &["Base"], vec![("name", s("csv"))]));
    inherited.define(class("Excel", &["Csv"], vec![]));
    inherited.define(class("Tsv", &["Csv"], vec![("name", s("tsv"))]));
    inherited.define(class("Excel2", &["Excel"], vec![("sheets", Member::Int(2))]));
    inherited.observe(Expr::var("Excel2").attr("name"), "csv");
    inherited.observe_registry(Registry::PluginMeta);

    let mut duplicate = Scenario::plugin_meta();
    duplicate.define(with_meta(class("Base", &[], vec![]), pm));
    duplicate.define(class("Csv", &["Base"], vec![("name", s("csv"))]));
    duplicate.define(class("Other", &["Base"], vec![("name", s("csv"))]));
    duplicate.define(class("Json", &["Base"], vec![("name", s("json"))]));
    duplicate.define(class("Again", &["Csv"], vec![("name", s("json"))]));
    duplicate.define(with_meta(class("Root", &[], vec![("name", s("csv"))]), pm));
    duplicate.observe_registry(Registry::PluginMeta);

    vec![
        Check::new(
            "plugin_meta_registers",
            "a class made with PluginMeta (or a subclass of one) that defines a name str is registered under it, in definition order",
            3,
            vec![registers.script],
        ),
        Check::new(
            "plugin_meta_skips_abstract",
            "a class without a name of its own, or whose name is not a str, is not registered",
            2,
            vec![abstract_.script],
        ),
        Check::new(
            "plugin_meta_inherited_name",
            "a subclass that inherits name without defining it is not registered (and is no duplicate)",
            3,
            vec![inherited.script],
        ),
        Check::new(
            "plugin_meta_duplicate",
            "a duplicate name raises TypeError at class creation and the first class stays registered",
            3,
            vec![duplicate.script],
        ),
    ]
}

fn strict_checks() -> Vec<Check<Script>> {
    let st = Meta::Strict;
    let m = || Member::Method;
    let interface = |sc: &mut Scenario, required: &[&str]| {
        sc.define(with_meta(class("Shape", &[], vec![("required", names(required))]), st));
    };

    let mut not_checked = Scenario::strict();
    interface(&mut not_checked, &["area", "perimeter"]);
    not_checked.define(with_meta(class("Free", &[], vec![("size", Member::Int(1))]), st));
    not_checked.define(class("Solid", &["Shape"], vec![("required", names(&["volume"]))]));
    not_checked.define(class("Cube", &["Solid"], vec![("volume", m())]));
    not_checked.observe(is_type("Strict"), true);
    not_checked.observe(type_is("Cube", "Strict"), true);

    let mut complete = Scenario::strict();
    interface(&mut complete, &["area", "perimeter"]);
    complete.define(class("Circle", &["Shape"], vec![("area", m()), ("perimeter", m())]));
    complete.define(class("AreaMixin", &[], vec![("area", m())]));
    complete.define(class("Square", &["Shape", "AreaMixin"], vec![("perimeter", m())]));
    complete.define(class("Big", &["Circle"], vec![]));
    complete.observe(type_is("Square", "Strict"), true);

    let mut missing = Scenario::strict();
    interface(&mut missing, &["area", "perimeter", "draw"]);
    missing.define(class("Blob", &["Shape"], vec![]));
    missing.define(class("Half", &["Shape"], vec![("perimeter", m())]));
    missing.define(class("Nearly", &["Shape"], vec![("draw", m()), ("area", m())]));

    let mut not_callable = Scenario::strict();
    interface(&mut not_callable, &["area", "perimeter"]);
    not_callable.define(class("Square", &["Shape"], vec![("area", m()), ("perimeter", Member::Int(4))]));
    not_callable.define(class(
        "Named",
        &["Shape"],
        vec![("area", Member::None), ("perimeter", s("p"))],
    ));
    not_callable.define(class("Fine", &["Shape"], vec![("area", m()), ("perimeter", m())]));

    let mut inherited = Scenario::strict();
    interface(&mut inherited, &["area"]);
    inherited.define(class("Circle", &["Shape"], vec![("area", m())]));
    inherited.define(class("Ring", &["Circle"], vec![]));
    inherited.define(class("Broken", &["Ring"], vec![("area", Member::Int(3))]));
    inherited.define(class("Disc", &["Ring"], vec![("radius", Member::Int(1))]));

    vec![
        Check::new(
            "strict_interface_not_checked",
            "the class that assigns required (the interface) is not checked; a class with nothing required is accepted",
            2,
            vec![not_checked.script],
        ),
        Check::new(
            "strict_accepts_complete",
            "a class that defines or inherits (from its interface's line or a mixin) every required name is created",
            3,
            vec![complete.script],
        ),
        Check::new(
            "strict_names_missing",
            "a class lacking required names raises TypeError \"<name> is missing a, b\", in the order of required",
            3,
            vec![missing.script],
        ),
        Check::new(
            "strict_not_callable",
            "an attribute that exists but is not callable counts as missing",
            2,
            vec![not_callable.script],
        ),
        Check::new(
            "strict_inherited_required",
            "required is inherited from the interface several levels up, and a subclass is checked again",
            2,
            vec![inherited.script],
        ),
    ]
}

fn plugin_checks() -> Vec<Check<Script>> {
    let mut registers = Scenario::plugin();
    registers.define(keyed("Csv", &["Plugin"], Some("csv")));
    registers.define(keyed("Json", &["Plugin"], Some("json")));
    registers.define(keyed("Gz", &["Csv"], Some("gz")));
    registers.observe_registry(Registry::Plugin);
    registers.observe_get(&["csv", "json", "gz"]);

    let mut without_key = Scenario::plugin();
    without_key.define(keyed("Base", &["Plugin"], None));
    without_key.define(keyed("Csv", &["Base"], Some("csv")));
    without_key.define(keyed("Tsv", &["Csv"], None));
    let mut explicit_none = keyed("Nothing", &["Plugin"], None);
    explicit_none.extra = vec![("key".into(), Member::None)];
    without_key.define(explicit_none);
    without_key.define(keyed("Json", &["Tsv"], Some("json")));
    without_key.observe_registry(Registry::Plugin);
    without_key.observe_get(&["csv", "json"]);

    let mut duplicate = Scenario::plugin();
    duplicate.define(keyed("Csv", &["Plugin"], Some("csv")));
    duplicate.define(keyed("Other", &["Plugin"], Some("csv")));
    duplicate.define(keyed("Json", &["Plugin"], Some("json")));
    duplicate.define(keyed("Again", &["Csv"], Some("json")));
    duplicate.observe_registry(Registry::Plugin);
    duplicate.observe_get(&["csv", "json"]);

    let mut unknown = Scenario::plugin();
    unknown.define(keyed("Csv", &["Plugin"], Some("csv")));
    unknown.observe_get(&["xml", "csv", "Csv"]);

    let mut cooperative = Scenario::plugin();
    cooperative.tagged();
    let mut x = keyed("X", &["Plugin", "Tagged"], Some("x"));
    x.extra = vec![("tag".into(), s("t"))];
    cooperative.define(x);
    let mut y = keyed("Y", &["Plugin", "Tagged"], None);
    y.extra = vec![("tag".into(), s("u"))];
    cooperative.define(y);
    let mut z = keyed("Z", &["Plugin"], None);
    z.extra = vec![("color".into(), s("red"))];
    cooperative.define(z);
    let seen = Value::List(
        cooperative
            .world
            .tags
            .iter()
            .map(|(c, t)| {
                Value::Tuple(vec![
                    Value::str(c.as_str()),
                    t.as_deref().map_or(Value::None, Value::str),
                ])
            })
            .collect(),
    );
    cooperative.observe(Expr::var("Tagged").attr("seen"), seen);
    cooperative.observe_registry(Registry::Plugin);

    vec![
        Check::new(
            "plugin_registers",
            "class C(Plugin, key=k) registers C under k in Plugin.registry (subclasses of subclasses too); Plugin.get(k) is C",
            3,
            vec![registers.script],
        ),
        Check::new(
            "plugin_without_key",
            "a subclass without key is not registered: the key is never inherited",
            2,
            vec![without_key.script],
        ),
        Check::new(
            "plugin_duplicate",
            "a duplicate key raises TypeError at class creation and the first class stays registered",
            3,
            vec![duplicate.script],
        ),
        Check::new(
            "plugin_get_unknown",
            "Plugin.get of a key nothing registered raises KeyError",
            1,
            vec![unknown.script],
        ),
        Check::new(
            "plugin_passes_kwargs_on",
            "__init_subclass__ passes the other keywords on with super(): another base receives them, object refuses unknown ones",
            2,
            vec![cooperative.script],
        ),
    ]
}

// ---- generated scenarios ------------------------------------------------

const CLASS_NAMES: [&str; 8] = [
    "Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta",
];
const KEYS: [&str; 4] = ["csv", "json", "xml", "yaml"];
const METHODS: [&str; 4] = ["area", "draw", "save", "load"];

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

/// An earlier class that was created (`None`: a root), chosen with
/// probability `p` when there is one.
fn random_base(rng: &mut Rng, created: &[String], p: f64) -> Option<String> {
    (!created.is_empty() && rng.random_bool(p))
        .then(|| created[rng.random_range(0..created.len())].clone())
}

fn random_plugin_meta(rng: &mut Rng) -> Script {
    let mut sc = Scenario::plugin_meta();
    let mut created: Vec<String> = Vec::new();
    for name in CLASS_NAMES.iter().take(rng.random_range(4..=8)) {
        let base = random_base(rng, &created, 0.6);
        let body = match rng.random_range(0..10) {
            0..=5 => vec![("name", s(pick(rng, &KEYS)))],
            6 => vec![("name", Member::None)],
            _ => vec![],
        };
        let def = match &base {
            Some(b) => class(name, &[b.as_str()], body),
            None => with_meta(class(name, &[], body), Meta::PluginMeta),
        };
        if sc.define(def) {
            created.push(name.to_string());
        }
    }
    sc.observe_registry(Registry::PluginMeta);
    sc.script
}

fn random_strict(rng: &mut Rng) -> Script {
    let mut sc = Scenario::strict();
    let mut created: Vec<String> = Vec::new();
    for name in CLASS_NAMES.iter().take(rng.random_range(4..=8)) {
        let base = random_base(rng, &created, 0.7);
        let mut body: Vec<(&str, Member)> = Vec::new();
        if rng.random_bool(0.3) || (base.is_none() && rng.random_bool(0.6)) {
            let mut required: Vec<&str> = METHODS.to_vec();
            // A random order and length: the message follows it.
            for i in (1..required.len()).rev() {
                required.swap(i, rng.random_range(0..=i));
            }
            required.truncate(rng.random_range(1..=3));
            body.push(("required", names(&required)));
        }
        for method in METHODS {
            match rng.random_range(0..20) {
                0..=8 => body.push((method, Member::Method)),
                9..=11 => body.push((method, Member::Int(rng.random_range(0..10)))),
                _ => {}
            }
        }
        let def = match &base {
            Some(b) => class(name, &[b.as_str()], body),
            None => with_meta(class(name, &[], body), Meta::Strict),
        };
        if sc.define(def) {
            created.push(name.to_string());
        }
    }
    sc.script
}

fn random_plugin(rng: &mut Rng) -> Script {
    let mut sc = Scenario::plugin();
    let mut created: Vec<String> = Vec::new();
    for name in CLASS_NAMES.iter().take(rng.random_range(4..=8)) {
        let base = random_base(rng, &created, 0.4).unwrap_or_else(|| "Plugin".to_string());
        let key = rng.random_bool(0.7).then(|| pick(rng, &KEYS));
        if sc.define(keyed(name, &[base.as_str()], key)) {
            created.push(name.to_string());
        }
    }
    sc.observe_registry(Registry::Plugin);
    sc.observe_get(&KEYS);
    sc.script
}

// ---- fixtures and the probe ---------------------------------------------

/// Private helpers the scripts call (see the module documentation).
const FIXTURES: &str = r#"
"""Helpers of the metaclasses checks: a class statement as a call, a
method to put in class bodies, and a base that takes a keyword."""

_type = type
_issubclass = issubclass
_getattr = getattr
_TypeError = TypeError


def new_class(name, bases, body, **kwds):
    """What `class name(*bases, **kwds): body` runs."""
    meta = kwds.pop("metaclass", None)
    if meta is None:
        meta = _type(bases[0]) if bases else _type
    # The most derived metaclass, as the class statement picks it.
    winner = meta
    for base in bases:
        base_meta = _type(base)
        if _issubclass(winner, base_meta):
            continue
        if _issubclass(base_meta, winner):
            winner = base_meta
            continue
        raise _TypeError("metaclass conflict")
    prepare = _getattr(winner, "__prepare__", None)
    namespace = prepare(name, bases, **kwds) if prepare is not None else {}
    namespace["__module__"] = "scenario"
    namespace["__qualname__"] = name
    for key, value in body.items():
        namespace[key] = value
    return winner(name, bases, namespace, **kwds)


def method(self):
    return "method"


def tagged():
    """A fresh base whose __init_subclass__ takes `tag` and records it."""

    class Tagged:
        seen = []

        def __init_subclass__(cls, /, tag=None, **kwargs):
            super().__init_subclass__(**kwargs)
            Tagged.seen.append((cls.__name__, tag))

    return Tagged
"#;

/// `[(key, name)]` of a registry: it must be an exact dict (read through the
/// C API), and each class is named by the scenario variable bound to that
/// very object (`classes`: variable name → class).
fn registry_view(registry: &Bound<'_, PyAny>, classes: &Bound<'_, PyAny>) -> Observed {
    let Ok(registry) = registry.cast_exact::<PyDict>() else {
        return Ok(Value::Other(object_type_name(registry)));
    };
    let classes = classes.cast_exact::<PyDict>().map_err(PyErr::from)?;
    let mut out = Vec::new();
    for (key, class) in registry.iter() {
        let name = classes
            .iter()
            .find(|(_, c)| c.is(&class))
            .map(|(n, _)| extract(&n))
            .unwrap_or_else(|| Value::Other(object_type_name(&class)));
        out.push(Value::Tuple(vec![extract(&key), name]));
    }
    Ok(Value::List(out))
}

impl ScriptedExercise for MetaclassesExercise {
    fn id(&self) -> &'static str {
        "metaclasses"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        let mut checks = plugin_meta_checks();
        checks.extend(strict_checks());
        checks.extend(plugin_checks());
        checks
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        let plugin_meta = (0..3).map(|_| random_plugin_meta(rng)).collect();
        let strict = (0..3).map(|_| random_strict(rng)).collect();
        let plugin = (0..3).map(|_| random_plugin(rng)).collect();
        vec![
            Check::new(
                "plugin_meta_random",
                "PluginMeta after random class definitions (names, abstract bases, inherited names, duplicates)",
                3,
                plugin_meta,
            ),
            Check::new(
                "strict_random",
                "Strict on random hierarchies (interfaces, inherited and non-callable members)",
                3,
                strict,
            ),
            Check::new(
                "plugin_random",
                "Plugin after random subclass definitions (keys, no keys, duplicates, deeper subclasses)",
                3,
                plugin,
            ),
        ]
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }

    /// - `registry(registry, classes)`: see [`registry_view`].
    fn probe<'py>(
        &self,
        _candidate: &Candidate<'py>,
        name: &str,
        args: &[Bound<'py, PyAny>],
    ) -> Observed {
        match (name, args) {
            ("registry", [registry, classes]) => registry_view(registry, classes),
            _ => Err(crate::exercise::unknown_probe(name, args.len())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(k: &str, c: &str) -> (String, String) {
        (k.to_string(), c.to_string())
    }

    #[test]
    fn plugin_meta_registers_own_str_names_once() {
        let mut w = World::new();
        let pm = Meta::PluginMeta;
        assert!(w.define(&with_meta(class("Base", &[], vec![]), pm)).is_ok());
        assert!(w.define(&class("Csv", &["Base"], vec![("name", s("csv"))])).is_ok());
        assert!(w.define(&class("Excel", &["Csv"], vec![])).is_ok());
        assert!(w.define(&class("Null", &["Base"], vec![("name", Member::None)])).is_ok());
        assert_eq!(
            w.define(&class("Dup", &["Excel"], vec![("name", s("csv"))])),
            Err(Refused { message: None })
        );
        assert!(w.define(&class("Json", &["Excel"], vec![("name", s("json"))])).is_ok());
        assert_eq!(w.names(&w.by_name), vec![pair("csv", "Csv"), pair("json", "Json")]);
        // A plain class's `name` registers nothing.
        assert!(w.define(&class("Plain", &[], vec![("name", s("xml"))])).is_ok());
        assert_eq!(w.by_name.len(), 2);
    }

    #[test]
    fn strict_lists_missing_names_in_required_order() {
        let mut w = World::new();
        let st = Meta::Strict;
        let shape = with_meta(class("Shape", &[], vec![("required", names(&["b", "a", "c"]))]), st);
        assert!(w.define(&shape).is_ok());
        assert_eq!(
            w.define(&class("X", &["Shape"], vec![("a", Member::Method), ("c", Member::Int(1))])),
            Err(Refused {
                message: Some("X is missing b, c".into())
            })
        );
        assert!(w.define(&class("Mixin", &[], vec![("b", Member::Method)])).is_ok());
        assert!(w.define(&class("Y", &["Shape", "Mixin"], vec![("a", Member::Method), ("c", Member::Method)])).is_ok());
        assert!(w.define(&class("Z", &["Y"], vec![])).is_ok());
        assert_eq!(
            w.define(&class("W", &["Z"], vec![("b", Member::None)])),
            Err(Refused {
                message: Some("W is missing b".into())
            })
        );
        // A new interface below is not checked itself.
        assert!(w.define(&class("Sub", &["Z"], vec![("required", names(&["d"]))])).is_ok());
        assert_eq!(
            w.define(&class("V", &["Sub"], vec![])),
            Err(Refused {
                message: Some("V is missing d".into())
            })
        );
    }

    #[test]
    fn plugin_keys_are_not_inherited_and_extra_keywords_go_on() {
        let mut w = World::new();
        w.existing("Plugin", Kind::PluginRoot);
        w.existing("Tagged", Kind::Tagged);
        assert!(w.define(&keyed("Csv", &["Plugin"], Some("csv"))).is_ok());
        assert!(w.define(&keyed("Tsv", &["Csv"], None)).is_ok());
        assert!(w.define(&keyed("Dup", &["Tsv"], Some("csv"))).is_err());
        let mut x = keyed("X", &["Plugin", "Tagged"], Some("x"));
        x.extra = vec![("tag".into(), s("t"))];
        assert!(w.define(&x).is_ok());
        let mut z = keyed("Z", &["Plugin"], None);
        z.extra = vec![("color".into(), s("red"))];
        assert!(w.define(&z).is_err());
        assert_eq!(w.names(&w.by_key), vec![pair("csv", "Csv"), pair("x", "X")]);
        assert_eq!(w.tags, vec![("X".to_string(), Some("t".to_string()))]);
    }

    #[test]
    fn the_mro_is_c3() {
        let mut w = World::new();
        for (name, bases) in [
            ("O", vec![]),
            ("A", vec!["O"]),
            ("B", vec!["O"]),
            ("C", vec!["A", "B"]),
        ] {
            w.define(&class(name, &bases, vec![])).unwrap();
        }
        let mro: Vec<&str> = w.mro(3).iter().map(|i| w.classes[*i].name.as_str()).collect();
        assert_eq!(mro, ["C", "A", "B", "O"]);
    }
}
