//! `parse_floor` with mimalloc, the allocator the `lk3` binary uses: the
//! floor with the allocator's share taken out as it is in lk3
//! (`benches/validate_floor.py` shows both).

#[path = "common/floor.rs"]
mod floor;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    floor::run()
}
