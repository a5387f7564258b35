import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// Each mistake is a compiler error at the code concerned, with a fix-it where one is obvious, and no type is generated.
@Suite("@OffloadTask diagnostics")
struct OffloadTaskDiagnosticTests {
    @Test("a function that is not async is an error whose fix-it makes it async")
    func notAsync() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                static func resize(width: Int) throws -> Int { width }
            }
            """,
            expandedSource: """
            enum Jobs {
                static func resize(width: Int) throws -> Int { width }
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "@OffloadTask function 'resize' must be 'async': a worker awaits it, and cancels it on timeout or shutdown",
                line: 3, column: 17, fixIts: [FixItSpec(message: "make 'resize' async")])],
            fixedSource: """
            enum Jobs {
                @OffloadTask
                static func resize(width: Int) async throws -> Int { width }
            }
            """)
    }

    @Test("an instance method is an error whose fix-it makes it static")
    func notStatic() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                func resize(width: Int) async -> Int { width }
            }
            """,
            expandedSource: """
            enum Jobs {
                func resize(width: Int) async -> Int { width }
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "@OffloadTask function 'resize' must be 'static': a worker calls it without an instance",
                line: 3, column: 5, fixIts: [FixItSpec(message: "make 'resize' static")])],
            fixedSource: """
            enum Jobs {
                @OffloadTask
                static func resize(width: Int) async -> Int { width }
            }
            """)
    }

    @Test("an inout parameter is an error whose fix-it removes inout")
    func inoutParameter() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                static func count(total: inout Int) async {}
            }
            """,
            expandedSource: """
            enum Jobs {
                static func count(total: inout Int) async {}
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "'total' cannot be 'inout': a task runs later, in another process, so there is no caller's variable to write back to; return the new value instead",
                line: 3, column: 30, fixIts: [FixItSpec(message: "remove 'inout'")])],
            fixedSource: """
            enum Jobs {
                @OffloadTask
                static func count(total: Int) async {}
            }
            """)
    }

    @Test("a generic function is an error: its arguments need concrete types")
    func genericFunction() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                static func store<Value: Codable>(value: Value) async {}
            }
            """,
            expandedSource: """
            enum Jobs {
                static func store<Value: Codable>(value: Value) async {}
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "@OffloadTask function 'store' cannot be generic: a worker decodes its arguments from JSON and needs one concrete type for each",
                line: 3, column: 22)])
    }

    @Test("parameters that can never be stored as JSON (closure, existential, tuple, metatype) are errors naming the parameter")
    func unstorableParameters() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                static func notify(done: @escaping @Sendable () -> Void, sink: any Codable, pair: (Int, Int), kind: Int.Type) async {}
            }
            """,
            expandedSource: """
            enum Jobs {
                static func notify(done: @escaping @Sendable () -> Void, sink: any Codable, pair: (Int, Int), kind: Int.Type) async {}
            }
            """,
            diagnostics: [
                DiagnosticSpec(message: "'done' is stored as JSON in 'Arguments', and a function or closure cannot be stored: pass the data it would use, and do the work in the task", line: 3, column: 30),
                DiagnosticSpec(message: "'sink' is stored as JSON in 'Arguments', and 'any Codable' has no single shape to decode into: name a concrete Codable type", line: 3, column: 68),
                DiagnosticSpec(message: "'pair' is stored as JSON in 'Arguments', and a tuple is not Codable: declare a Codable struct instead", line: 3, column: 87),
                DiagnosticSpec(message: "'kind' is stored as JSON in 'Arguments', and a type cannot be stored: store a name or a case of an enum and map it back", line: 3, column: 105),
            ])
    }

    @Test("a TaskContext that is not the last parameter is an error")
    func contextNotLast() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                static func log(context: TaskContext, line: String) async {}
            }
            """,
            expandedSource: """
            enum Jobs {
                static func log(context: TaskContext, line: String) async {}
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "the 'TaskContext' parameter 'context' must come last; every other parameter is stored in 'Arguments'",
                line: 3, column: 30)])
    }

    @Test("a function at global scope is an error that says to declare it in a @TaskNamespace enum")
    func globalFunction() {
        expectExpansion(
            """
            @OffloadTask
            func cleanUp() async {}
            """,
            expandedSource: """
            func cleanUp() async {}
            """,
            diagnostics: [DiagnosticSpec(
                message: "declare 'cleanUp' inside an enum marked @TaskNamespace: Swift lets a macro declare the task type only inside another type, and the namespace lists it for the worker's registry",
                line: 1, column: 1)])
    }

    @Test("@OffloadTask on a type is an error that says to conform it to BackgroundTask")
    func onAType() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                struct CleanUp {}
            }
            """,
            expandedSource: """
            enum Jobs {
                struct CleanUp {}
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "@OffloadTask applies to a 'static func … async' inside an enum marked @TaskNamespace; a type becomes a task by conforming to 'BackgroundTask'",
                line: 2, column: 5)])
    }

    @Test("a capitalized function name is an error: its type would take the same name")
    func capitalizedFunctionName() {
        expectExpansion(
            """
            enum Jobs {
                @OffloadTask
                static func CleanUp() async {}
            }
            """,
            expandedSource: """
            enum Jobs {
                static func CleanUp() async {}
            }
            """,
            diagnostics: [DiagnosticSpec(
                message: "name 'CleanUp' in lowerCamelCase: its task type takes the capitalized name ('CleanUp')",
                line: 3, column: 17)])
    }
}
