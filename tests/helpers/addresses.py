"""A valid national address in Riyadh, as a beneficiary would type it."""

ADDRESS = {
    "short_address": "RRRD2929",
    "building_number": "2929",
    "street": "طريق الملك فهد",
    "district": "العليا",
    "city": "riyadh",
    "postal_code": "12211",
    "additional_number": "7788",
    "mobile": "0500000008",
}
