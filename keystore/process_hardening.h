#ifndef KEYWARD_KEYSTORE_PROCESS_HARDENING_H_
#define KEYWARD_KEYSTORE_PROCESS_HARDENING_H_

#include "absl/status/status.h"

namespace keyward::keystore {

// HardenProcess keeps the process's memory, where the private keys live,
// from leaving it through the two usual doors:
//   - prctl(PR_SET_DUMPABLE, 0): no core dump, and other processes of the
//     same user can no longer ptrace-attach or read /proc/<pid>/mem (only
//     a process with CAP_SYS_PTRACE can);
//   - setrlimit(RLIMIT_CORE, 0): no core file even if something makes the
//     process dumpable again (execve and credential changes reset it).
// Call it once at process start, before any key is loaded. Irreversible
// for the process's lifetime. Internal naming the call that failed.
absl::Status HardenProcess();

}  // namespace keyward::keystore

#endif  // KEYWARD_KEYSTORE_PROCESS_HARDENING_H_
