//! Penjangkauan (outreach) as its own aggregate: being written.
