"""Classes: `__init__`, instance state, class state and inheritance (reference solution)."""

from __future__ import annotations


def _check_amount(amount: object) -> int:
    # bool is a subclass of int, so it must be refused explicitly.
    if type(amount) is not int:
        raise TypeError(f"amount must be an int, got {type(amount).__name__}")
    if amount <= 0:
        raise ValueError(f"amount must be positive, got {amount}")
    return amount


class Account:
    """A bank account holding a whole number of cents."""

    # Class state: one counter shared by the whole hierarchy. It is always
    # updated through `Account`, never `type(self)`, so that a subclass does
    # not grow its own shadowing counter.
    opened: int = 0

    def __init__(self, owner: str, balance: int = 0) -> None:
        # Validate everything before changing any state, so a refused call
        # leaves no half-built account and no count behind.
        if not isinstance(owner, str):
            raise TypeError(f"owner must be a str, got {type(owner).__name__}")
        if not owner:
            raise ValueError("owner must not be empty")
        if type(balance) is not int:
            raise TypeError(f"balance must be an int, got {type(balance).__name__}")
        if balance < 0:
            raise ValueError(f"balance must be >= 0, got {balance}")
        self.owner = owner
        self.balance = balance
        # A new list per instance: a class attribute or a mutable default
        # argument would be shared by every account.
        self.history: list[tuple[str, int]] = [("open", balance)]
        Account.opened += 1

    def deposit(self, amount: int) -> int:
        amount = _check_amount(amount)
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance

    def withdraw(self, amount: int) -> int:
        amount = _check_amount(amount)
        if amount > self.balance:
            raise ValueError(f"cannot withdraw {amount} from {self.balance}")
        self.balance -= amount
        self.history.append(("withdraw", amount))
        return self.balance

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.owner!r}, {self.balance!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Account):
            return NotImplemented
        return (self.owner, self.balance) == (other.owner, other.balance)


class SavingsAccount(Account):
    """An `Account` that earns interest."""

    def __init__(self, owner: str, balance: int = 0, rate_percent: int = 0) -> None:
        # Validated before super().__init__ counts the account.
        if type(rate_percent) is not int:
            raise TypeError(f"rate_percent must be an int, got {type(rate_percent).__name__}")
        if rate_percent < 0:
            raise ValueError(f"rate_percent must be >= 0, got {rate_percent}")
        super().__init__(owner, balance)
        self.rate_percent = rate_percent

    def add_interest(self) -> int:
        interest = self.balance * self.rate_percent // 100
        if interest:
            self.deposit(interest)
        return interest

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.owner!r}, {self.balance!r}, {self.rate_percent!r})"
