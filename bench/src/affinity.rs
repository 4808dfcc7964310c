//! Pins the two processes of the CPU comparison to cores of their own: the client (this
//! process) to one, the emulator to another. Left to the scheduler, both move between the
//! cores of a small machine, and the ratios of section 4 moved by 5 to 8% between runs; pinned,
//! their geometric mean moves by about 1%.

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::unistd::Pid;

/// Threads pinned to one core each, given back their former cores when dropped.
#[derive(Debug)]
pub struct Pinned {
    saved: Vec<(Pid, CpuSet)>,
}

impl Pinned {
    /// Pins every thread of this process to the first core it may run on and every thread of
    /// the process `server` to the second; threads they start later inherit the core. `None`
    /// (nothing pinned) with fewer than two usable cores or where affinity cannot be set.
    pub fn client_and_server(server: u32) -> Option<Pinned> {
        let usable = sched_getaffinity(Pid::from_raw(0)).ok()?;
        let mut cores = (0..CpuSet::count()).filter(|&core| usable.is_set(core).unwrap_or(false));
        let (client_core, server_core) = (cores.next()?, cores.next()?);
        let mut pinned = Pinned { saved: Vec::new() };
        let processes = [(std::process::id(), client_core), (server, server_core)];
        for (process, core) in processes {
            let mut only = CpuSet::new();
            only.set(core).ok()?;
            for thread in threads(process) {
                let former = sched_getaffinity(thread).ok()?;
                sched_setaffinity(thread, &only).ok()?;
                pinned.saved.push((thread, former));
            }
        }
        Some(pinned)
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        for (thread, former) in &self.saved {
            // A thread that has ended since needs nothing back.
            let _ = sched_setaffinity(*thread, former);
        }
    }
}

/// The threads of a process, from `/proc/<pid>/task`; none when it cannot be read.
fn threads(process: u32) -> Vec<Pid> {
    let tasks = std::fs::read_dir(format!("/proc/{process}/task"));
    tasks
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .map(Pid::from_raw)
        .collect()
}
