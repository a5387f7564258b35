import Foundation
import Offload
import Testing

@Suite("Defining tasks")
struct TaskDefinitionTests {
    @Test("a task's default name is its module-qualified type name")
    func defaultNameIsModuleQualified() {
        #expect(Greet.name == "OffloadTests.Greet")
    }

    @Test("an explicit name and options are used as given")
    func explicitNameAndOptions() throws {
        let request = try TaskRequest(Measure.self, arguments: .init(value: 1.5))
        #expect(request.taskName == "measure")
        #expect(request.queueName == "metrics")
        #expect(request.priority == 7)
        #expect(request.retry == .none)
    }

    @Test("arguments are stored as a JSON object")
    func argumentsAreJSONObjects() throws {
        let request = try TaskRequest(Greet.self, arguments: .init(name: "Ada"))
        #expect(request.arguments == #"{"name":"Ada"}"#)
        #expect(TaskJSON.isObject(request.arguments))
    }

    @Test("non-finite floats are refused at enqueue with a clear error", arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteFloatsAreRefused(value: Double) {
        #expect {
            try TaskRequest(Measure.self, arguments: .init(value: value))
        } throws: { error in
            let error = try #require(error as? OffloadError)
            return error.code == .unencodableArguments && error.message.contains("measure") && error.message.contains("finite")
        }
    }

    @Test("arguments over the size limit are refused at enqueue")
    func oversizedArgumentsAreRefused() {
        #expect {
            try TaskRequest(Greet.self, arguments: .init(name: String(repeating: "x", count: 200)), maximumArgumentsSize: 100)
        } throws: { error in
            (error as? OffloadError)?.code == .argumentsTooLarge
        }
    }

    @Test("a priority outside -100…100 is refused")
    func priorityOutOfRangeIsRefused() {
        #expect {
            try TaskRequest(OutOfRange.self, arguments: NoArguments())
        } throws: { error in
            (error as? OffloadError)?.code == .invalidOption
        }
    }

    @Test("queue names must be plain names", arguments: ["", "*", "a,b"])
    func invalidQueueNamesAreRefused(name: String) {
        #expect(throws: OffloadError.self) {
            try TaskOptions(queueName: name).validate(taskName: "t")
        }
    }
}
