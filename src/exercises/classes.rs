//! `classes` (question 8): `__init__` as the place that validates and sets
//! up an instance's own state, a class attribute shared by a hierarchy, value
//! equality and an evaluable repr, and a subclass that extends its parent
//! through `super().__init__`.
//!
//! Reference: [`Account`], a plain Rust model of the bank account (and of the
//! savings account, an account with a rate), with the same validation rules
//! over the [`Value`]s a script passes, and [`Bank`], which counts the
//! accounts opened. The scripts are built beside the model: each step the
//! script makes on the candidate's objects is made on the model too, and the
//! model's answer is the step's expectation.
//!
//! Fixtures (Python, private): `evaluate` (evaluates a repr with only the
//! class in scope), `subclass` (a bare subclass of the candidate's class),
//! `since` (the difference of two exact ints, so a counter that other checks
//! also move is read as a delta), and `runs_init` (whether `Account.__init__`'s
//! own code runs while a `SavingsAccount` is made, watched with a profiler
//! captured before the candidate's code).

use rand::RngExt;

use crate::exercise::{Check, Rng, Scripted, ScriptedExercise};
use crate::script::{Expr, Script, raises};
use crate::value::{Value, str_repr};

pub struct ClassesExercise;

/// What the registry (generated from `exercises/<id>/` by build.rs) lists.
pub static EXERCISE: Scripted<ClassesExercise> = Scripted(ClassesExercise);

// ---- the Rust reference -------------------------------------------------

/// Why a constructor or a method refused its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// `TypeError`: not of the required type (a bool is not an int).
    Type,
    /// `ValueError`: the right type, a value out of range.
    Value,
}

impl Refused {
    pub fn observed(self) -> Value {
        match self {
            Refused::Type => raises("TypeError"),
            Refused::Value => raises("ValueError"),
        }
    }
}

/// An exact int (not a bool, not a float), or why not.
fn int_at_least(value: &Value, min: i64) -> Result<i64, Refused> {
    match value {
        Value::Int(n) if *n >= min => Ok(*n),
        Value::Int(_) => Err(Refused::Value),
        _ => Err(Refused::Type),
    }
}

/// A bank account, or a savings account when `rate_percent` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub owner: String,
    pub balance: i64,
    pub history: Vec<(&'static str, i64)>,
    pub rate_percent: Option<i64>,
}

impl Account {
    /// `Account(owner, balance)`: the owner a non-empty str, the balance an
    /// int >= 0; the owner is checked first.
    pub fn open(owner: &Value, balance: &Value) -> Result<Account, Refused> {
        let owner = match owner {
            Value::Str(s) if s.is_empty() => return Err(Refused::Value),
            Value::Str(s) => s.clone(),
            _ => return Err(Refused::Type),
        };
        let balance = int_at_least(balance, 0)?;
        Ok(Account {
            owner,
            balance,
            history: vec![("open", balance)],
            rate_percent: None,
        })
    }

    /// `SavingsAccount(owner, balance, rate_percent)`: the account's own
    /// rules, and the rate an int >= 0. (Which of two bad arguments is
    /// reported first is not part of the contract: no check passes two.)
    pub fn savings(owner: &Value, balance: &Value, rate: &Value) -> Result<Account, Refused> {
        let rate = int_at_least(rate, 0)?;
        let mut account = Account::open(owner, balance)?;
        account.rate_percent = Some(rate);
        Ok(account)
    }

    pub fn deposit(&mut self, amount: &Value) -> Result<i64, Refused> {
        let amount = int_at_least(amount, 1)?;
        self.balance += amount;
        self.history.push(("deposit", amount));
        Ok(self.balance)
    }

    /// More than the balance is refused and changes nothing.
    pub fn withdraw(&mut self, amount: &Value) -> Result<i64, Refused> {
        let amount = int_at_least(amount, 1)?;
        if amount > self.balance {
            return Err(Refused::Value);
        }
        self.balance -= amount;
        self.history.push(("withdraw", amount));
        Ok(self.balance)
    }

    /// Deposits `balance * rate // 100` when it is not 0; returns it.
    pub fn add_interest(&mut self) -> i64 {
        let rate = self.rate_percent.unwrap_or(0);
        // Both are >= 0, so integer division is Python's floor division.
        let interest = self.balance * rate / 100;
        if interest > 0 {
            self.balance += interest;
            self.history.push(("deposit", interest));
        }
        interest
    }

    /// `ClassName('owner', balance)`, the savings account with its rate.
    pub fn repr(&self, class_name: &str) -> String {
        match self.rate_percent {
            Some(rate) => format!(
                "{class_name}({}, {}, {rate})",
                str_repr(&self.owner),
                self.balance
            ),
            None => format!("{class_name}({}, {})", str_repr(&self.owner), self.balance),
        }
    }

    /// `==`: owner and balance, nothing else.
    pub fn equals(&self, other: &Account) -> bool {
        self.owner == other.owner && self.balance == other.balance
    }

    pub fn history_value(&self) -> Value {
        Value::List(
            self.history
                .iter()
                .map(|(what, n)| Value::Tuple(vec![Value::str(*what), Value::Int(*n)]))
                .collect(),
        )
    }
}

/// The class-level count of accounts opened.
#[derive(Debug, Default)]
pub struct Bank {
    pub opened: i64,
}

impl Bank {
    /// Counts an account only when it was made.
    pub fn count(&mut self, made: &Result<Account, Refused>) {
        if made.is_ok() {
            self.opened += 1;
        }
    }
}

// ---- scripts ------------------------------------------------------------

fn lit(value: &Value) -> Expr {
    Expr::Lit(value.clone())
}

fn account_call(owner: &Value, balance: &Value) -> Expr {
    Expr::name("Account").call(vec![lit(owner), lit(balance)])
}

fn savings_call(owner: &Value, balance: &Value, rate: &Value) -> Expr {
    Expr::name("SavingsAccount").call(vec![lit(owner), lit(balance), lit(rate)])
}

/// What observing a constructor call shows: the new object's type, or the
/// exception.
fn made(result: &Result<Account, Refused>, class_name: &str) -> Value {
    match result {
        Ok(_) => Value::Other(class_name.to_string()),
        Err(refused) => refused.observed(),
    }
}

fn outcome(result: Result<i64, Refused>) -> Value {
    match result {
        Ok(n) => Value::Int(n),
        Err(refused) => refused.observed(),
    }
}

/// A script and the model of the accounts it has bound.
struct Session {
    script: Script,
}

impl Session {
    fn new() -> Session {
        Session {
            script: Script::new(),
        }
    }

    /// `var = Account(owner, balance)` (must succeed).
    fn open(mut self, var: &str, owner: &str, balance: i64) -> (Session, Account) {
        let (o, b) = (Value::str(owner), Value::Int(balance));
        let account = Account::open(&o, &b).expect("a valid account");
        self.script = self.script.bind(var, account_call(&o, &b));
        (self, account)
    }

    /// `var = SavingsAccount(owner, balance, rate)` (must succeed).
    fn savings(mut self, var: &str, owner: &str, balance: i64, rate: i64) -> (Session, Account) {
        let (o, b, r) = (Value::str(owner), Value::Int(balance), Value::Int(rate));
        let account = Account::savings(&o, &b, &r).expect("a valid account");
        self.script = self.script.bind(var, savings_call(&o, &b, &r));
        (self, account)
    }

    fn observe(mut self, expr: Expr, expected: Value) -> Session {
        self.script = self.script.observe(expr, expected);
        self
    }

    fn deposit(self, var: &str, account: &mut Account, amount: Value) -> Session {
        let expected = outcome(account.deposit(&amount));
        self.observe(
            Expr::var(var).method("deposit", vec![lit(&amount)]),
            expected,
        )
    }

    fn withdraw(self, var: &str, account: &mut Account, amount: Value) -> Session {
        let expected = outcome(account.withdraw(&amount));
        self.observe(
            Expr::var(var).method("withdraw", vec![lit(&amount)]),
            expected,
        )
    }

    fn add_interest(self, var: &str, account: &mut Account) -> Session {
        let expected = Value::Int(account.add_interest());
        self.observe(Expr::var(var).method("add_interest", vec![]), expected)
    }

    /// `var.owner`, `var.balance`, `var.history` (and `var.rate_percent`).
    fn state(self, var: &str, account: &Account) -> Session {
        let mut s = self
            .observe(Expr::var(var).attr("owner"), Value::str(&account.owner))
            .observe(Expr::var(var).attr("balance"), Value::Int(account.balance))
            .observe(Expr::var(var).attr("history"), account.history_value());
        if let Some(rate) = account.rate_percent {
            s = s.observe(Expr::var(var).attr("rate_percent"), Value::Int(rate));
        }
        s
    }

    fn done(self) -> Script {
        self.script
    }
}

fn repr_of(var: &str) -> Expr {
    Expr::builtin("repr").call(vec![Expr::var(var)])
}

/// `since(Account.opened, before)`: how many accounts were counted since
/// `before = Account.opened`.
fn opened_since() -> Expr {
    Expr::fixture("since").call(vec![Expr::name("Account").attr("opened"), Expr::var("before")])
}

/// Observes each constructor call in turn (`Account` when `rate` is
/// `None`), then how many of them were counted in `Account.opened`.
fn opening_script(attempts: &[(Value, Value, Option<Value>)]) -> Script {
    let mut bank = Bank::default();
    let mut script = Script::new().bind("before", Expr::name("Account").attr("opened"));
    for (owner, balance, rate) in attempts {
        let (result, call, class_name) = match rate {
            None => (
                Account::open(owner, balance),
                account_call(owner, balance),
                "Account",
            ),
            Some(rate) => (
                Account::savings(owner, balance, rate),
                savings_call(owner, balance, rate),
                "SavingsAccount",
            ),
        };
        bank.count(&result);
        script = script.observe(call, made(&result, class_name));
    }
    script.observe(opened_since(), Value::Int(bank.opened))
}

const OWNERS: [&str; 6] = ["ann", "bo", "o'neil", "Zoë", "cy", "dee"];

/// A random amount for a method: mostly valid, sometimes zero, negative,
/// too large, or not an int.
fn random_amount(rng: &mut Rng, balance: i64) -> Value {
    match rng.random_range(0..12) {
        0 => Value::Int(0),
        1 => Value::Int(-rng.random_range(1..50)),
        2 => Value::Bool(true),
        3 => Value::Float(f64::from(rng.random_range(1..80i32)) / 8.0),
        4 => Value::Int(balance + rng.random_range(1..40)),
        _ => Value::Int(rng.random_range(1..=(balance.max(8)))),
    }
}

fn checks_fixed() -> Vec<Check<Script>> {
    fn s(text: &str) -> Value {
        Value::str(text)
    }
    let int = Value::Int;
    let mut checks = Vec::new();

    // __init__ stores the state.
    let (session, ann) = Session::new().open("a", "ann", 10);
    let (session, bo) = session.open("b", "bo", 0);
    let bo_default = session
        .state("a", &ann)
        .state("b", &bo)
        .observe(
            Expr::name("Account").call(vec![lit(&s("cy"))]).attr("balance"),
            int(0),
        )
        .done();
    checks.push(Check::new(
        "init_stores_state",
        "Account(owner, balance=0) stores owner, balance and history [('open', balance)]",
        2,
        vec![bo_default],
    ));

    let attempt = |owner: Value, balance: Value| {
        let result = Account::open(&owner, &balance);
        (account_call(&owner, &balance), made(&result, "Account"))
    };
    let script_of = |attempts: Vec<(Expr, Value)>| {
        attempts
            .into_iter()
            .fold(Script::new(), |script, (call, expected)| {
                script.observe(call, expected)
            })
    };
    checks.push(Check::new(
        "init_validates_owner",
        "Account refuses an owner that is not a str (TypeError) or is empty (ValueError)",
        2,
        vec![script_of(vec![
            attempt(int(5), int(1)),
            attempt(Value::None, int(1)),
            attempt(s(""), int(1)),
            attempt(Value::List(vec![s("ann")]), int(1)),
            attempt(s(" "), int(1)),
        ])],
    ));
    checks.push(Check::new(
        "init_validates_balance",
        "Account refuses a balance that is not an int, a bool included (TypeError), or is negative (ValueError)",
        2,
        vec![script_of(vec![
            attempt(s("ann"), int(-1)),
            attempt(s("ann"), Value::Bool(true)),
            attempt(s("ann"), Value::Float(2.5)),
            attempt(s("ann"), s("10")),
            attempt(s("ann"), Value::None),
            attempt(s("ann"), int(0)),
        ])],
    ));

    // Each instance its own history.
    let (session, mut ann) = Session::new().open("a", "ann", 10);
    let (session, bo) = session.open("b", "bo", 3);
    let own_history = session
        .deposit("a", &mut ann, int(5))
        .observe(Expr::var("b").attr("history"), bo.history_value())
        .observe(Expr::var("a").attr("history"), ann.history_value())
        .observe(
            Expr::var("a")
                .attr("history")
                .is(Expr::var("b").attr("history")),
            Value::Bool(false),
        )
        .done();
    let (session, mut cy) = Session::new().open("c", "cy", 0);
    let (session, dee) = session.open("d", "dee", 0);
    let fresh_history = session
        .withdraw("c", &mut cy, int(1))
        .deposit("c", &mut cy, int(2))
        .observe(Expr::var("d").attr("history"), dee.history_value())
        .observe(Expr::var("c").attr("history"), cy.history_value())
        .done();
    checks.push(Check::new(
        "history_per_instance",
        "each account has its own history list: a deposit on one never shows in another",
        2,
        vec![own_history, fresh_history],
    ));

    // deposit and withdraw.
    let (session, mut ann) = Session::new().open("a", "ann", 10);
    let moves = session
        .deposit("a", &mut ann, int(5))
        .withdraw("a", &mut ann, int(12))
        .deposit("a", &mut ann, int(1))
        .withdraw("a", &mut ann, int(4))
        .state("a", &ann)
        .done();
    checks.push(Check::new(
        "deposit_and_withdraw",
        "deposit and withdraw return the new balance and record ('deposit', n) / ('withdraw', n)",
        2,
        vec![moves],
    ));
    let (session, mut bo) = Session::new().open("b", "bo", 7);
    let whole = session
        .withdraw("b", &mut bo, int(7))
        .withdraw("b", &mut bo, int(1))
        .state("b", &bo)
        .done();
    checks.push(Check::new(
        "withdraw_limits",
        "withdrawing the whole balance is fine; more than the balance raises ValueError and changes nothing",
        2,
        vec![whole],
    ));
    let (session, mut ann) = Session::new().open("a", "ann", 10);
    let refused = session
        .deposit("a", &mut ann, int(0))
        .deposit("a", &mut ann, int(-3))
        .deposit("a", &mut ann, Value::Bool(true))
        .deposit("a", &mut ann, Value::Float(1.5))
        .withdraw("a", &mut ann, int(0))
        .withdraw("a", &mut ann, int(-1))
        .withdraw("a", &mut ann, Value::Bool(true))
        .withdraw("a", &mut ann, s("2"))
        .state("a", &ann)
        .done();
    checks.push(Check::new(
        "refused_amounts_change_nothing",
        "an amount that is not an int > 0 raises TypeError or ValueError and changes neither balance nor history",
        2,
        vec![refused],
    ));

    // repr.
    let repr_script = |owner: &str, balance: i64| {
        let (session, account) = Session::new().open("a", owner, balance);
        session
            .observe(repr_of("a"), Value::Str(account.repr("Account")))
            .done()
            .bind(
                "copy",
                Expr::fixture("evaluate").call(vec![
                    repr_of("a"),
                    Expr::lit("Account"),
                    Expr::name("Account"),
                ]),
            )
            .observe(Expr::var("copy").type_name(), s("Account"))
            .observe(Expr::var("copy").attr("owner"), s(&account.owner))
            .observe(Expr::var("copy").attr("balance"), int(account.balance))
            .observe(Expr::var("copy").is(Expr::var("a")), Value::Bool(false))
    };
    checks.push(Check::new(
        "repr_evaluates_back",
        "repr(Account('ann', 10)) is \"Account('ann', 10)\" and evaluates back to an equal account",
        2,
        vec![repr_script("ann", 10), repr_script("o'neil", 0)],
    ));
    let (session, savings) = Session::new().savings("s", "ann", 100, 5);
    let sub = session
        .observe(repr_of("s"), Value::Str(savings.repr("SavingsAccount")))
        .done()
        .bind(
            "Checking",
            Expr::fixture("subclass").call(vec![Expr::name("Account"), Expr::lit("Checking")]),
        )
        .bind(
            "c",
            Expr::var("Checking").call(vec![Expr::lit("cy"), Expr::lit(7)]),
        );
    let checking = Account::open(&s("cy"), &int(7)).expect("valid");
    let sub = sub.observe(repr_of("c"), Value::Str(checking.repr("Checking")));
    checks.push(Check::new(
        "repr_names_own_class",
        "the repr names the instance's own class: SavingsAccount('ann', 100, 5), and a subclass's name",
        1,
        vec![sub],
    ));

    // ==
    let pairs: Vec<(Expr, Expr, bool)> = {
        let acc = |o: &str, b: i64| account_call(&s(o), &int(b));
        vec![
            (acc("ann", 10), acc("ann", 10), true),
            (acc("ann", 10), acc("ann", 11), false),
            (acc("ann", 10), acc("bo", 10), false),
            (acc("ann", 1), savings_call(&s("ann"), &int(1), &int(3)), true),
            (acc("ann", 0), Expr::lit("ann"), false),
            (acc("ann", 0), Expr::lit(Value::None), false),
        ]
    };
    let mut eq = Script::new();
    for (a, b, expected) in pairs {
        eq = eq.observe(a.eq(b), Value::Bool(expected));
    }
    let (session, mut ann) = Session::new().open("a", "ann", 5);
    let other = Account::open(&s("ann"), &int(10)).expect("valid");
    let session = session.deposit("a", &mut ann, int(5));
    let same = ann.equals(&other);
    let eq_history = session
        .observe(
            Expr::var("a").eq(account_call(&s("ann"), &int(10))),
            Value::Bool(same),
        )
        .done();
    checks.push(Check::new(
        "eq_by_owner_and_balance",
        "== compares owner and balance only (history aside); anything not an Account is unequal",
        2,
        vec![eq, eq_history],
    ));

    // Account.opened.
    checks.push(Check::new(
        "opened_counts_instances",
        "Account.opened counts every account created, SavingsAccount ones included",
        2,
        vec![opening_script(&[
            (s("ann"), int(1), None),
            (s("bo"), int(0), None),
            (s("cy"), int(5), Some(int(2))),
            (s("dee"), int(9), None),
        ])],
    ));
    checks.push(Check::new(
        "opened_skips_failed_validation",
        "a constructor call that fails validation (owner, balance or rate) is not counted in Account.opened",
        2,
        vec![opening_script(&[
            (s("ann"), int(1), None),
            (s(""), int(1), None),
            (s("bo"), int(-4), None),
            (s("cy"), int(5), Some(int(-1))),
            (s("cy"), int(5), Some(Value::Bool(true))),
            (s("cy"), int(-5), Some(int(1))),
            (s("dee"), int(5), Some(int(1))),
        ])],
    ));

    // SavingsAccount.
    let (session, ann) = Session::new().savings("s", "ann", 100, 5);
    let defaults = Account::savings(&s("bo"), &int(0), &int(0)).expect("valid");
    let attempts = [
        (s(""), int(1), int(1)),
        (int(3), int(1), int(1)),
        (s("ann"), int(-1), int(1)),
        (s("ann"), Value::Bool(false), int(1)),
    ];
    let mut session = session.state("s", &ann).observe(
        Expr::name("SavingsAccount")
            .call(vec![Expr::lit("bo")])
            .attr("rate_percent"),
        int(defaults.rate_percent.unwrap_or(0)),
    );
    for (o, b, r) in &attempts {
        let expected = made(&Account::savings(o, b, r), "SavingsAccount");
        session = session.observe(savings_call(o, b, r), expected);
    }
    checks.push(Check::new(
        "savings_init",
        "SavingsAccount stores rate_percent (default 0) and gets owner, balance, history and validation from Account",
        2,
        vec![session.done()],
    ));
    let super_init = Script::new().observe(
        Expr::fixture("runs_init").call(vec![
            Expr::name("Account"),
            Expr::name("SavingsAccount"),
            Expr::lit("ann"),
            Expr::lit(40),
            Expr::lit(2),
        ]),
        Value::Bool(true),
    );
    checks.push(Check::new(
        "savings_calls_super_init",
        "SavingsAccount.__init__ runs Account.__init__ (through super().__init__), not a copy of it",
        2,
        vec![super_init],
    ));
    let mut rate_attempts = Script::new();
    for rate in [int(-1), Value::Bool(true), Value::Float(2.5), s("5"), Value::None] {
        let expected = made(
            &Account::savings(&s("ann"), &int(10), &rate),
            "SavingsAccount",
        );
        rate_attempts = rate_attempts.observe(savings_call(&s("ann"), &int(10), &rate), expected);
    }
    checks.push(Check::new(
        "savings_validates_rate",
        "SavingsAccount refuses a rate_percent that is not an int (TypeError) or is negative (ValueError)",
        1,
        vec![rate_attempts],
    ));
    let (session, mut ann) = Session::new().savings("s", "ann", 250, 4);
    let interest = session
        .add_interest("s", &mut ann)
        .add_interest("s", &mut ann)
        .state("s", &ann)
        .done();
    checks.push(Check::new(
        "add_interest_deposits",
        "add_interest deposits balance * rate_percent // 100, records it as a deposit and returns it",
        2,
        vec![interest],
    ));
    let (session, mut bo) = Session::new().savings("s", "bo", 99, 1);
    let (session, mut cy) = session.savings("t", "cy", 500, 0);
    let zero = session
        .add_interest("s", &mut bo)
        .add_interest("t", &mut cy)
        .state("s", &bo)
        .state("t", &cy)
        .done();
    checks.push(Check::new(
        "add_interest_zero",
        "when the interest is 0, add_interest returns 0 and deposits nothing (no error, no history entry)",
        1,
        vec![zero],
    ));
    checks
}

fn checks_generated(rng: &mut Rng) -> Vec<Check<Script>> {
    let mut accounts = Vec::new();
    for _ in 0..4 {
        let owner = OWNERS[rng.random_range(0..OWNERS.len())];
        let (mut session, mut account) =
            Session::new().open("a", owner, rng.random_range(0..200));
        for _ in 0..rng.random_range(6..12) {
            let amount = random_amount(rng, account.balance);
            session = if rng.random_bool(0.5) {
                session.deposit("a", &mut account, amount)
            } else {
                session.withdraw("a", &mut account, amount)
            };
        }
        let expected = Value::str(account.repr("Account"));
        accounts.push(session.state("a", &account).observe(repr_of("a"), expected).done());
    }
    let mut savings = Vec::new();
    for _ in 0..4 {
        let owner = OWNERS[rng.random_range(0..OWNERS.len())];
        let (mut session, mut account) = Session::new().savings(
            "s",
            owner,
            rng.random_range(0..5000),
            rng.random_range(0..25),
        );
        for _ in 0..rng.random_range(3..7) {
            session = match rng.random_range(0..4) {
                0 => {
                    let amount = random_amount(rng, account.balance);
                    session.withdraw("s", &mut account, amount)
                }
                1 => session.deposit("s", &mut account, Value::Int(rng.random_range(1..300))),
                _ => session.add_interest("s", &mut account),
            };
        }
        let expected = Value::str(account.repr("SavingsAccount"));
        savings.push(session.state("s", &account).observe(repr_of("s"), expected).done());
    }
    vec![
        Check::new(
            "accounts_random",
            "random deposits and withdrawals, valid and refused, on an Account",
            3,
            accounts,
        ),
        Check::new(
            "savings_random",
            "random interest, deposits and withdrawals on a SavingsAccount",
            2,
            savings,
        ),
    ]
}

/// Private helpers the scripts call (see the module documentation).
const FIXTURES: &str = r#"
"""Helpers of the classes checks."""

import sys

_setprofile = sys.setprofile
_getprofile = sys.getprofile


def evaluate(text, name, cls):
    """eval(text) with only `name` (the class) in scope."""
    if type(text) is not str:
        raise TypeError("repr() did not return a str")
    return eval(text, {"__builtins__": {}, name: cls})


def subclass(cls, name):
    """A bare subclass of `cls` called `name`."""
    return type(name, (cls,), {})


def since(now, before):
    """now - before for two exact ints; the pair as it is otherwise."""
    if type(now) is int and type(before) is int:
        return now - before
    return (now, before)


def runs_init(base, cls, *args):
    """Whether base.__init__'s own code runs while cls(*args) is made."""
    init = base.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    if code is None:
        return False
    seen = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code is code:
            seen.append(True)

    previous = _getprofile()
    _setprofile(watch)
    try:
        cls(*args)
    finally:
        _setprofile(previous)
    return bool(seen)
"#;

impl ScriptedExercise for ClassesExercise {
    fn id(&self) -> &'static str {
        "classes"
    }

    fn fixed(&self) -> Vec<Check<Script>> {
        checks_fixed()
    }

    fn generated(&self, rng: &mut Rng) -> Vec<Check<Script>> {
        checks_generated(rng)
    }

    fn fixtures(&self) -> Option<&'static str> {
        Some(FIXTURES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::str(text)
    }

    #[test]
    fn the_docstring_examples_hold() {
        let mut a = Account::open(&s("ann"), &Value::Int(10)).unwrap();
        assert_eq!(a.deposit(&Value::Int(5)), Ok(15));
        assert_eq!(a.history, vec![("open", 10), ("deposit", 5)]);
        assert_eq!(a.repr("Account"), "Account('ann', 15)");
        let mut sav = Account::savings(&s("ann"), &Value::Int(250), &Value::Int(4)).unwrap();
        assert_eq!(sav.add_interest(), 10);
        assert_eq!(sav.balance, 260);
        assert_eq!(sav.repr("SavingsAccount"), "SavingsAccount('ann', 260, 4)");
        let mut small = Account::savings(&s("bo"), &Value::Int(99), &Value::Int(1)).unwrap();
        assert_eq!(small.add_interest(), 0);
        assert_eq!(small.history, vec![("open", 99)]);
    }

    #[test]
    fn validation_tells_type_from_value() {
        let open = |o: Value, b: Value| Account::open(&o, &b).err();
        assert_eq!(open(Value::Int(1), Value::Int(1)), Some(Refused::Type));
        assert_eq!(open(s(""), Value::Int(1)), Some(Refused::Value));
        assert_eq!(open(s(" "), Value::Int(1)), None);
        assert_eq!(open(s("a"), Value::Bool(true)), Some(Refused::Type));
        assert_eq!(open(s("a"), Value::Float(1.0)), Some(Refused::Type));
        assert_eq!(open(s("a"), Value::Int(-1)), Some(Refused::Value));
        assert_eq!(open(s("a"), Value::Int(0)), None);
    }

    #[test]
    fn a_refused_withdrawal_changes_nothing() {
        let mut a = Account::open(&s("ann"), &Value::Int(7)).unwrap();
        let before = a.clone();
        assert_eq!(a.withdraw(&Value::Int(8)), Err(Refused::Value));
        assert_eq!(a.deposit(&Value::Bool(true)), Err(Refused::Type));
        assert_eq!(a.deposit(&Value::Int(0)), Err(Refused::Value));
        assert_eq!(a, before);
        assert_eq!(a.withdraw(&Value::Int(7)), Ok(0));
    }

    #[test]
    fn the_repr_quotes_as_python_does() {
        let a = Account::open(&s("o'neil"), &Value::Int(3)).unwrap();
        assert_eq!(a.repr("Account"), "Account(\"o'neil\", 3)");
    }

    #[test]
    fn failed_validation_is_not_counted() {
        let mut bank = Bank::default();
        bank.count(&Account::open(&s(""), &Value::Int(1)));
        bank.count(&Account::savings(&s("a"), &Value::Int(1), &Value::Int(-1)));
        bank.count(&Account::savings(&s("a"), &Value::Int(1), &Value::Int(1)));
        assert_eq!(bank.opened, 1);
    }
}
