"""Classes: `__init__`, instance state, class state and inheritance.

Write a small bank account class whose initialiser validates its arguments,
whose instances each own their state, whose class counts the instances made,
and a subclass that extends it through `super().__init__`.

Run `pyinterview check classes` to test your work.
"""

from __future__ import annotations


class Account:
    """A bank account holding a whole number of cents.

    `Account(owner, balance=0)`:

    - `owner` must be a `str` (anything else: `TypeError`) and not empty
      (`""`: `ValueError`; any other string, `" "` included, is accepted).
    - `balance` must be an `int` (a `bool`, a `float` or anything else:
      `TypeError`) and `>= 0` (negative: `ValueError`).
    - Both are stored as the attributes `owner` and `balance`.
    - Every instance has its own `history` list, starting as
      `[("open", balance)]`; no two accounts ever share one.
    - `Account.opened` is a class attribute counting the accounts created
      so far, instances of subclasses included (`SavingsAccount(...)` counts
      in `Account.opened`). A call that fails validation does not count.

    `repr(account)` is `ClassName(owner, balance)` with the owner written as
    `repr` writes it and `ClassName` the instance's own class
    (`type(self).__name__`, so a subclass shows its own name); for an
    `Account` it evaluates back to an equal account.

    `a == b` is True when both are `Account` instances (of any class in the
    hierarchy) with the same `owner` and the same `balance`; `history` is
    not compared. Comparing with anything that is not an `Account` returns
    `NotImplemented`, so `Account("ann") == "ann"` is False.

    >>> a = Account("ann", 10)
    >>> a.deposit(5)
    15
    >>> a.history
    [('open', 10), ('deposit', 5)]
    >>> a
    Account('ann', 15)
    >>> a == Account("ann", 15)
    True
    """

    opened: int = 0

    def __init__(self, owner: str, balance: int = 0) -> None:
        raise NotImplementedError

    def deposit(self, amount: int) -> int:
        """Add `amount` and return the new balance.

        `amount` must be an `int` (a `bool` or a `float`: `TypeError`) and
        `> 0` (zero or negative: `ValueError`). Records `("deposit", amount)`
        at the end of `history`. A refused amount changes nothing: neither the
        balance nor the history.

        >>> Account("ann", 10).deposit(5)
        15
        """
        raise NotImplementedError

    def withdraw(self, amount: int) -> int:
        """Take `amount` out and return the new balance.

        `amount` is validated as in `deposit` (`TypeError`, `ValueError`);
        more than the balance raises `ValueError` (withdrawing the whole
        balance is fine). Records `("withdraw", amount)`. A refused
        withdrawal changes nothing: neither the balance nor the history.

        >>> Account("ann", 10).withdraw(10)
        0
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        raise NotImplementedError


class SavingsAccount(Account):
    """An `Account` that earns interest.

    `SavingsAccount(owner, balance=0, rate_percent=0)`: `owner` and `balance`
    are validated and stored by `Account.__init__`, called through
    `super().__init__` (so the history starts `[("open", balance)]` and the
    account counts in `Account.opened`). `rate_percent` must be an `int`
    (a `bool` or anything else: `TypeError`) and `>= 0` (`ValueError`); it is
    stored as the attribute `rate_percent`. An invalid `rate_percent` is a
    failed validation: no account is counted in `Account.opened`.

    `repr` is `SavingsAccount(owner, balance, rate_percent)`, e.g.
    `SavingsAccount('ann', 100, 5)`.

    >>> s = SavingsAccount("ann", 250, 4)
    >>> s.add_interest()
    10
    >>> s.balance, s.history
    (260, [('open', 250), ('deposit', 10)])
    """

    def __init__(self, owner: str, balance: int = 0, rate_percent: int = 0) -> None:
        raise NotImplementedError

    def add_interest(self) -> int:
        """Deposit `balance * rate_percent // 100` and return that amount.

        When the amount is 0 nothing is deposited (no history entry) and 0
        is returned; otherwise it is a deposit like any other, recorded as
        `("deposit", amount)`.

        >>> SavingsAccount("bo", 99, 1).add_interest()
        0
        """
        raise NotImplementedError

    def __repr__(self) -> str:
        raise NotImplementedError
