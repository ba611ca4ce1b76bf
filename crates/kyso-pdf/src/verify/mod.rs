//! PDF signature verification: finding signatures, checking what they cover, and analysing the
//! revisions appended after each one (placeholder; the verify owner fills it).
