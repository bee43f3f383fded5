"""Number plates in each country's current format, as its registry issues them to a new vehicle.

| country | format | in use since | the rules kept here |
|---|---|---|---|
| ES | `0000 BBB` | 2000 | four digits, three consonants (no vowels, Ñ or Q); no provincial code |
| FR | `AA-000-AA` | 2009 (SIV) | letters without I, O and U; 001 to 999; never SS or WW on the left |
| IT | `AA 000 AA` | 1994 | letters without I, O, Q and U |
| PT | `AA-00-AA` | 2020 | any letters |
| DE | `M-AB 1234` | 1956 | a district code, one or two letters, a number 1 to 9999; at most eight of them |

German recognition letters never spell HJ, KZ, NS, SA or SS, and carry no umlauts (district codes may:
TÜ for Tübingen). A plate is drawn from the stream it is given, so a registry decides how plates follow
from the seed (simulators.admin.model, rule 2).
"""

from __future__ import annotations

from collections.abc import Callable
from string import ascii_uppercase, digits

from caas_core.runtime import RandomStream

PATTERNS = {
    "ES": r"^[0-9]{4} [BCDFGHJKLMNPRSTVWXYZ]{3}$",
    "FR": r"^[A-HJ-NP-TV-Z]{2}-[0-9]{3}-[A-HJ-NP-TV-Z]{2}$",
    "DE": r"^[A-ZÄÖÜ]{1,3}-[A-Z]{1,2} [1-9][0-9]{0,3}$",
    "IT": r"^[A-HJ-NPR-TV-Z]{2} [0-9]{3} [A-HJ-NPR-TV-Z]{2}$",
    "PT": r"^[A-Z]{2}-[0-9]{2}-[A-Z]{2}$",
}
EXAMPLES = {"ES": "1234 BCD", "FR": "AB-123-CD", "DE": "B-AB 1234", "IT": "AB 123 CD", "PT": "AB-12-CD"}
FORMATS = {"ES": "0000 BBB", "FR": "AA-000-AA", "DE": "M-AB 1234", "IT": "AA 000 AA", "PT": "AA-00-AA"}

ES_LETTERS = "BCDFGHJKLMNPRSTVWXYZ"
FR_LETTERS = "".join(c for c in ascii_uppercase if c not in "IOU")
IT_LETTERS = "".join(c for c in ascii_uppercase if c not in "IOQU")
# A sample of real district codes (Unterscheidungszeichen): the big cities, and some with umlauts.
DE_DISTRICTS = (
    *("A", "AC", "B", "BI", "BN", "BO", "D", "DD", "DO", "DU", "E", "EF", "F", "FR", "GE", "GÖ", "H"),
    *("HAL", "HB", "HD", "HH", "HRO", "K", "KA", "KI", "KS", "L", "LB", "LÖ", "M", "MA", "MD", "MG"),
    *("MS", "MÜ", "N", "OS", "PB", "PM", "RE", "REG", "S", "SB", "TÜ", "W", "WI"),
)
DE_BANNED = {"HJ", "KZ", "NS", "SA", "SS"}


def _pick(rng: RandomStream, alphabet: str) -> str:
    return alphabet[rng.randrange(len(alphabet))]  # what random.choice draws


def _letters(rng: RandomStream, alphabet: str, n: int) -> str:
    return "".join(_pick(rng, alphabet) for _ in range(n))


def _spain(rng: RandomStream) -> str:
    return f"{rng.randrange(10_000):04d} {_letters(rng, ES_LETTERS, 3)}"


def _france(rng: RandomStream) -> str:
    left = _letters(rng, FR_LETTERS, 2)
    while left in ("SS", "WW"):  # SS is never issued; WW marks a temporary registration
        left = _letters(rng, FR_LETTERS, 2)
    return f"{left}-{rng.randrange(1, 1000):03d}-{_letters(rng, FR_LETTERS, 2)}"


def _germany(rng: RandomStream) -> str:
    district = DE_DISTRICTS[rng.randrange(len(DE_DISTRICTS))]
    letters = _letters(rng, ascii_uppercase, rng.randrange(1, 3))
    while letters in DE_BANNED:
        letters = _letters(rng, ascii_uppercase, len(letters))
    room = min(4, 8 - len(district) - len(letters))  # eight letters and digits at most
    number = rng.randrange(1, 10**room)
    return f"{district}-{letters} {number}"


def _italy(rng: RandomStream) -> str:
    return f"{_letters(rng, IT_LETTERS, 2)} {rng.randrange(1000):03d} {_letters(rng, IT_LETTERS, 2)}"


def _portugal(rng: RandomStream) -> str:
    number = "".join(_pick(rng, digits) for _ in range(2))
    return f"{_letters(rng, ascii_uppercase, 2)}-{number}-{_letters(rng, ascii_uppercase, 2)}"


_DRAW: dict[str, Callable[[RandomStream], str]] = {
    "ES": _spain,
    "FR": _france,
    "DE": _germany,
    "IT": _italy,
    "PT": _portugal,
}


def draw_plate(country: str, rng: RandomStream) -> str:
    """A plate of `country` (ISO code) in its current format, drawn from `rng`."""
    return _DRAW[country](rng)
