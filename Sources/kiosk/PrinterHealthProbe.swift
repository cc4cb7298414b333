import Executors
import KioskCore
import Printing
import SyncProtocol

/// The station's two printers as CUPS reports them, for the health report of each forward round;
/// asked on a queue of its own, since CUPS calls block their thread.
func printerHealth(of station: StationConfig) -> @Sendable () async -> [PrinterHealth] {
    let executor = BlockingWorkExecutor(label: "printer-health")
    let queues: [(PrinterHealth.Role, String)] = [(.forms, station.formsPrinter), (.receipts, station.receiptsPrinter)]
    return {
        await withTaskExecutorPreference(executor) {
            queues.map { role, queue in
                switch Result(catching: { () throws(PrintError) in try Printer(destination: queue).status() }) {
                case .success(let status):
                    PrinterHealth(
                        role: role, queue: queue, state: PrinterHealth.State(rawValue: status.state.rawValue) ?? .unreachable,
                        problem: status.problem?.code)
                case .failure:
                    PrinterHealth(role: role, queue: queue, state: .unreachable, problem: nil)
                }
            }
        }
    }
}
