import Testing
@testable import FlotillaCore

@Suite("Swarm topics: the seeds' publishers")
struct SwarmTopicsSeedsTests {
    let topics = SwarmTopics(swarm: "opencto-dev")

    @Test("seeds/001's request topics map to their task types")
    func requestTopics() {
        #expect(topics.requestTopics == [
            "opencto-dev/deployment/request": "deployment.deploy",
            "opencto-dev/code/review": "code.review",
            "opencto-dev/tests/run": "testing.run",
            "opencto-dev/security/scan": "security.scan",
        ])
    }

    @Test("a message without type takes it from its agent topic")
    func impliedTypes() {
        #expect(topics.impliedType(ofAgentTopic: "opencto-dev/agents/register") == .register)
        #expect(topics.impliedType(ofAgentTopic: "opencto-dev/agents/heartbeat") == .heartbeat)
        #expect(topics.impliedType(ofAgentTopic: "opencto-dev/agents/shutdown") == .drain)
        #expect(topics.impliedType(ofAgentTopic: "opencto-dev/agents/deploy-01/status") == .status)
        #expect(topics.impliedType(ofAgentTopic: "opencto-dev/tasks/complete") == nil)
        #expect(topics.impliedType(ofAgentTopic: "other/agents/register") == nil)
    }

    @Test("progress, success, failure, death and expiry reach the domain topic; other events do not")
    func domainTopicsForEvents() {
        for event in ["task.progress", "task.succeeded", "task.failed", "task.dead", "task.expired"] {
            #expect(topics.domainTopic(forEvent: event, taskType: "deployment.deploy") == "opencto-dev/deployment/status", "\(event)")
            #expect(topics.domainTopic(forEvent: event, taskType: "testing.run") == "opencto-dev/tests/results", "\(event)")
        }
        for event in ["task.queued", "task.assigned", "task.running", "task.cancelled", "agent.online"] {
            #expect(topics.domainTopic(forEvent: event, taskType: "testing.run") == nil, "\(event)")
        }
        #expect(topics.domainTopic(forEvent: "task.failed", taskType: "code.generate") == nil)
    }
}
