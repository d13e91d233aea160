//! What the program sets up first ([`keep_freed_memory`]), and how long it
//! has been running, measured from the moment the
//! kernel started the process (so exec, dynamic loading and everything before
//! `main` count), for the "first frame within 1 s" figure of `bench startup`.

/// Tells the C allocator to keep freed memory for reuse instead of handing
/// it back to the kernel.
///
/// A training step allocates its large buffers afresh (the LSTM caches are
/// 10–20 MB each). By default glibc serves blocks of that size with `mmap`
/// and returns them with `munmap` when freed, so every step pays a page
/// fault for each 4 KiB it touches, plus zeroing: the profile of
/// `bench lstm` showed 18% of the training step's time in the kernel's
/// page-fault handler. With blocks up to 32 MiB (glibc's largest threshold)
/// taken from the heap, the heap never trimmed below 1 GiB of free space,
/// and one heap for all threads (a worker thread's own heap holds at most
/// 64 MiB and is unmapped when empty), the next step reuses the same,
/// already mapped, pages: 125 000 page faults in the first two steps, then
/// about 300 per step. Our hot loops do not allocate, so the threads do not
/// queue for the one heap.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tunables; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

/// Milliseconds since this process was started, from `/proc` (Linux);
/// `None` elsewhere. Resolution: one clock tick (10 ms).
pub fn process_age_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    age_ms(&stat, &uptime)
}

/// The kernel reports start times in USER_HZ ticks, fixed at 100 per second
/// for user space on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

fn age_ms(stat: &str, uptime: &str) -> Option<f64> {
    // The command name (field 2) is in parentheses and may hold spaces, so
    // count fields from the last ')': field 3 is the first after it and
    // `starttime` is field 22.
    let rest = &stat[stat.rfind(')')? + 1..];
    let start_ticks: f64 = rest.split_whitespace().nth(22 - 3)?.parse().ok()?;
    let up_s: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some(((up_s - start_ticks / TICKS_PER_SECOND) * 1e3).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_start_time_after_the_command_name() {
        // A name with spaces and parentheses must not shift the fields.
        let stat = "4242 (rnn (studio) x) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 \
                    12345 1000 100 0 0 0";
        let ms = age_ms(stat, "125.45 200.00").unwrap();
        assert!((ms - 2000.0).abs() < 1e-6, "{ms}");
        assert_eq!(age_ms("garbage", "1.0"), None);
        let now = process_age_ms().expect("Linux has /proc");
        assert!((0.0..3.6e6).contains(&now), "{now}");
    }
}
