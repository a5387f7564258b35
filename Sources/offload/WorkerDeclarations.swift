import Foundation
import Offload

/// The options a worker's tasks declare, read from `WORKER --describe-tasks`: what `offload enqueue` applies
/// so that a task enqueued from the command line is queued as `Task.enqueue` would queue it.
enum WorkerDeclarations {
    /// A worker that prints its description and exits takes well under a second; one that hangs is killed.
    static let timeout: TimeInterval = 30

    /// Runs `worker --describe-tasks` (no shell, no database opened) and reads what it prints.
    static func read(from worker: String) throws -> TaskDescription {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: worker)
        process.arguments = [TaskDescription.flag]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw WorkerDeclarationError("cannot run the worker \(worker) to read its tasks' options: \(error.localizedDescription)")
        }
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw WorkerDeclarationError("the worker \(worker) did not describe its tasks (\(TaskDescription.flag) ended with \(process.terminationReason == .exit ? "status \(process.terminationStatus)" : "signal \(process.terminationStatus)")); is it an Offload worker of this version?")
        }
        do {
            return try TaskDescription.parse(String(decoding: data, as: UTF8.self))
        } catch let error as TaskDescriptionError {
            throw WorkerDeclarationError(error.description)
        } catch {
            throw WorkerDeclarationError("the worker \(worker) printed no task description on \(TaskDescription.flag): \(error)")
        }
    }
}

struct WorkerDeclarationError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
