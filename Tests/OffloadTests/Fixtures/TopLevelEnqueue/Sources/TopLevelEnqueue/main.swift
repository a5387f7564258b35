import Foundation
import Offload

// Top-level code, as in a user's main.swift. Each line prints what the call did.
TaskBackends.bootstrap(TaskBackends([
    "default": .init(AsyncOnlyBackend()),
    "memory": .init(InMemoryBackend()),
]))

let awaited = try await Ping.enqueue(.init(label: "top-level await"))
print("top-level try await, async-only backend: enqueued \(awaited.id), \(awaited.status)")

let plain = try Ping.enqueue(.init(label: "top-level plain"))
print("top-level try, async-only backend: enqueued \(plain.id), \(plain.status)")

let memory = try MemoryPing.enqueue(.init(label: "top-level plain"))
print("top-level try, synchronous backend: enqueued \(memory.id), \(memory.status)")

print("async function, async-only backend: enqueued \(try await enqueueFromAsyncFunction())")
print("sync function on the main thread, async-only backend: enqueued \(try enqueueFromSynchronousFunction())")
print("sync function off the main thread, async-only backend: \(describe(onAnotherThread { try enqueueFromSynchronousFunction() }))")
