"""A first attempt at the bank account (sample submission)."""


class Account:
    opened = 0

    def __init__(self, owner, balance=0):
        if not isinstance(owner, str):
            raise TypeError("owner must be a string")
        if owner == "":
            raise ValueError("owner is empty")
        if not isinstance(balance, int):
            raise TypeError("balance must be an int")
        if balance < 0:
            raise ValueError("negative balance")
        self.owner = owner
        self.balance = balance
        self.history = [("open", balance)]
        self.opened += 1

    def deposit(self, amount):
        if not isinstance(amount, int):
            raise TypeError("amount must be an int")
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance

    def withdraw(self, amount):
        if not isinstance(amount, int):
            raise TypeError("amount must be an int")
        if amount <= 0 or amount > self.balance:
            raise ValueError("cannot withdraw that")
        self.balance -= amount
        self.history.append(("withdraw", amount))
        return self.balance

    def __repr__(self):
        return f"Account('{self.owner}', {self.balance})"

    def __eq__(self, other):
        return self.owner == other.owner and self.balance == other.balance


class SavingsAccount(Account):
    def __init__(self, owner, balance=0, rate_percent=0):
        super().__init__(owner, balance)
        self.rate_percent = rate_percent

    def add_interest(self):
        interest = self.balance * self.rate_percent // 100
        self.deposit(interest)
        return interest
