"""Fictional identifiers that cannot reach a real person: NHS numbers, phone numbers, e-mail addresses.

NHS numbers are drawn from the 999 range the NHS sets aside for testing (999 000 0000 - 999 999 9999) and
carry a valid Modulus 11 check digit. Phone numbers come only from the ranges Ofcom reserves for drama (0113
496 0xxx and its siblings, 020 7946 0xxx, 01632 960xxx, 07700 900xxx), so about 17,000 exist and not every
resident has one. E-mail domains are the reserved example.com / example.org / example.net.
"""

from __future__ import annotations

import random

import numpy as np

NHS_WEIGHTS = np.arange(10, 1, -1)  # weights 10..2 over the first nine digits

# Ofcom drama ranges: (prefix as dialled, display split), 1,000 numbers each.
DRAMA_PREFIXES = [
    ("01134960", "0113 496 0"),
    ("01144960", "0114 496 0"),
    ("01154960", "0115 496 0"),
    ("01164960", "0116 496 0"),
    ("01174960", "0117 496 0"),
    ("01184960", "0118 496 0"),
    ("01214960", "0121 496 0"),
    ("01314960", "0131 496 0"),
    ("01414960", "0141 496 0"),
    ("01514960", "0151 496 0"),
    ("01614960", "0161 496 0"),
    ("01914980", "0191 498 0"),
    ("02079460", "020 7946 0"),
    ("02920180", "029 2018 0"),
    ("01632960", "01632 960"),
    ("07700900", "07700 900"),
]
EMAIL_DOMAINS = np.array(["example.com", "example.org", "example.net"])


def nhs_check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits, or None when the number cannot be issued (remainder 10)."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def is_valid_nhs_number(value: str) -> bool:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def valid_test_nhs_numbers() -> np.ndarray:
    """All valid NHS numbers in the 999 test range (about 909,000), as 10-character strings, in order."""
    body = np.arange(1_000_000, dtype=np.int64)
    digits = np.stack([(body // 10**k) % 10 for k in range(5, -1, -1)], axis=1)
    total = 9 * 10 + 9 * 9 + 9 * 8 + (digits * NHS_WEIGHTS[3:]).sum(axis=1)
    check = 11 - total % 11
    check[check == 11] = 0
    ok = check != 10
    numbers = 999_000_000_0 + body[ok] * 10 + check[ok]
    return numbers.astype(str)


def draw_nhs_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct valid test NHS numbers."""
    pool = valid_test_nhs_numbers()
    if n > len(pool):
        raise ValueError(f"only {len(pool)} test NHS numbers exist; asked for {n}")
    return pool[rng.choice(len(pool), size=n, replace=False)]


def invalidate_nhs_number(rng: random.Random, number: str) -> str:
    """The same number with one digit mistyped so that the check digit no longer holds."""
    while True:
        i = rng.randint(3, 9)
        wrong = number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1 :]
        if not is_valid_nhs_number(wrong):
            return wrong


def phone_pool() -> list[str]:
    """Every drama-range number, displayed as people write them (``0115 496 0123``)."""
    return [f"{display}{i:03d}" for _, display in DRAMA_PREFIXES for i in range(1000)]


def draw_phones(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Phones for ``n`` people: about ``share`` of them get a distinct drama number (as many as exist)."""
    pool = np.array(phone_pool())
    result = np.full(n, "", dtype=object)
    want = min(int(n * share), len(pool))
    who = rng.choice(n, size=want, replace=False)
    result[who] = pool[rng.choice(len(pool), size=want, replace=False)]
    return result
