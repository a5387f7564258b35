import SwiftDiagnostics
import SwiftSyntax

/// A function marked `@OffloadTask`, read and checked: everything the generated task type needs.
struct TaskFunction {
    /// One parameter that becomes a stored property of `Arguments`.
    struct Parameter {
        /// The argument label, `nil` for `_`.
        var label: String?
        /// The parameter's own name: the property's name.
        var name: String
        var type: TypeSyntax
        var defaultValue: ExprSyntax?
    }

    var functionName: String
    /// The generated type's name: the function's, capitalized.
    var typeName: String
    /// `public`, `package`, `fileprivate`, `private`, or `nil` for internal: the generated type gets the function's.
    var access: String?
    var parameters: [Parameter]
    /// The label of a last `TaskContext` parameter (`nil` for `_`), if the function takes the context.
    var contextLabel: String??
    /// `nil` when the function returns nothing: the task then returns `NoOutput`.
    var returnType: TypeSyntax?
    var isThrowing: Bool

    /// The name a `@OffloadTask` function's type gets: `sendEmail` → `SendEmail`.
    static func typeName(forFunction name: String) -> String {
        let bare = name.trimmingBackticks
        return bare.prefix(1).uppercased() + bare.dropFirst()
    }

    /// Reads a function, reporting every problem found through `diagnose`; `nil` when there was one.
    static func read(_ function: FunctionDeclSyntax, isInsideType: Bool, diagnose: @escaping (Diagnostic) -> Void) -> TaskFunction? {
        var checker = TaskFunctionChecker(function: function, diagnose: diagnose)
        checker.checkSignature(isInsideType: isInsideType)
        let parameters = checker.readParameters()
        let returnType = checker.readReturnType()
        guard !checker.foundError else { return nil }
        let name = function.name.text
        return TaskFunction(
            functionName: name,
            typeName: typeName(forFunction: name),
            access: function.modifiers.lazy.map(\.name.text).first { ["public", "package", "fileprivate", "private", "open"].contains($0) }
                .map { $0 == "open" ? "public" : $0 },
            parameters: parameters.stored,
            contextLabel: parameters.contextLabel,
            returnType: returnType,
            isThrowing: function.signature.effectSpecifiers?.throwsClause != nil)
    }
}

extension String {
    /// The name without the backticks of an escaped identifier (`` `default` `` → `default`).
    var trimmingBackticks: String {
        hasPrefix("`") && hasSuffix("`") && count >= 2 ? String(dropFirst().dropLast()) : self
    }
}
