import Foundation
import Instrumentation
import ServiceContextModule

/// The trace context that travels with a task from `enqueue` to the worker (docs/metrics.md, "Tracing").
///
/// At enqueue the bootstrapped instrument (swift-distributed-tracing's `InstrumentationSystem`) injects the
/// current `ServiceContext` into a carrier, stored as a JSON object in the task's `trace_context` column; the
/// worker extracts it and runs the attempt in a span whose parent it is. With no context active (or the no-op
/// instrument, which injects nothing) nothing is stored, so the plain path pays one task-local read.
public enum TaskTraceContext {
    /// Carriers larger than this are not stored: a misbehaving instrument costs the trace, never the enqueue.
    public static let maximumSize = 4096

    /// The current context as carrier JSON, or `nil` when there is nothing to carry.
    public static func current() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryInjector())
        guard !carrier.isEmpty,
              let data = try? JSONSerialization.data(withJSONObject: carrier, options: [.sortedKeys]),
              data.count <= maximumSize else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The context a stored carrier holds, extracted by the bootstrapped instrument; `nil` for none or garbage.
    public static func extract(_ json: String?) -> ServiceContext? {
        guard let json, json.utf8.count <= maximumSize,
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        let carrier = object.compactMapValues { $0 as? String }
        guard !carrier.isEmpty else { return nil }
        var context = ServiceContext.topLevel
        InstrumentationSystem.instrument.extract(carrier, into: &context, using: DictionaryExtractor())
        return context
    }

    struct DictionaryInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
            carrier[key] = value
        }
    }

    struct DictionaryExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? {
            carrier[key]
        }
    }
}
