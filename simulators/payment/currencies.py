"""The currencies a card can be charged in: ISO 4217's alphabetic codes of national and regional money,
as the standard lists them at the start of 2026 (after its amendments for Croatia's euro in 2023, the
Zimbabwe Gold in 2024 and the Caribbean guilder in 2025).

Left out, because no card is charged in them: ISO 4217's funds codes (BOV, CHE, CHW, CLF, COU, MXV,
USN, UYI, UYW), precious metals (XAG, XAU, XPD, XPT), units of account (XBA to XBD, XDR, XSU, XUA), and
the testing and no-currency codes XTS and XXX; and every withdrawn code (ANG, CUC, HRK, SLL, ZWL, ...).
"""

from __future__ import annotations

# One string, split: a list of some 150 quoted codes, one a line, would hide the list in its quotes.
ISO_4217 = frozenset(
    """
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
    CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP
    GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD
    KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN
    NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP
    SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES
    VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
    """.split()  # noqa: SIM905
)
