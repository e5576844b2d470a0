// Process start-up shared by every long-running ibasho binary. Not thread-safe: call from main.
#ifndef IBASHO_COMMON_PROCESS_H_
#define IBASHO_COMMON_PROCESS_H_

namespace ibasho {

// Call first in main: blocks SIGINT and SIGTERM (threads inherit the mask; WaitForTerminationSignal
// takes them) and makes logs reach their file line by line.
void InitProcess();
// Waits for SIGINT or SIGTERM (they must be blocked).
void WaitForTerminationSignal();

}  // namespace ibasho

#endif  // IBASHO_COMMON_PROCESS_H_
