/// Real-looking screens per agent kind and state, as `capture-pane -p` prints them.
enum ScreenFixtures {
    static let claudeBox = """
        ────────────────────────────────────────────────────────────────────────────
        ❯\u{00A0}
        ────────────────────────────────────────────────────────────────────────────
          ? for shortcuts
        """

    static let claude: [(ObservedStateName, String)] = [
        ("initializing", """
         ✻ Welcome to Claude Code!

           /help for help, /status for your current setup

         Starting Claude Code…
        """),
        ("idle", """
        > add a --verbose flag

        ⏺ Added the flag to Sources/flotilla/Flotilla.swift and a test.

        \(claudeBox)
        """),
        ("idle", """
        ╭──────────────────────────────────────────────────────────────╮
        │ > Try "write a test for Scheduler.swift"                     │
        ╰──────────────────────────────────────────────────────────────╯
          ? for shortcuts
        """),
        ("thinking", """
        > refactor the scheduler

        ✻ Pondering… (12s · ↑ 1.2k tokens · esc to interrupt)

        \(claudeBox)
        """),
        ("thinking", """
        > refactor the scheduler

        ✢ Hullaballooing… (53s · ↓ 749 tokens)

        \(claudeBox)
        """),
        ("reading", """
        ⏺ Read(Sources/FlotillaCore/Scheduling/Scheduler.swift)
          ⎿  Read 212 lines (ctrl+r to expand)

        ✶ Reading… (4s · esc to interrupt)

        \(claudeBox)
        """),
        ("working", """
        ⏺ Update(Sources/FlotillaCore/Scheduling/Scheduler.swift)
          ⎿  Updated with 12 additions and 3 removals

        ✳ Clauding… (21s · ↑ 3.4k tokens · esc to interrupt)

        \(claudeBox)
        """),
        ("testing", """
        ⏺ Bash(swift test --filter SchedulerTests)
          ⎿  Running…

        ✽ Testing… (40s · esc to interrupt)

        \(claudeBox)
        """),
        ("waiting_input", """
        ⏺ Bash(rm -rf .build/debug)

        ✻ Thinking… (3s · esc to interrupt)
        ╭──────────────────────────────────────────────────────────────────╮
        │ Bash command                                                     │
        │                                                                  │
        │   rm -rf .build/debug                                            │
        │                                                                  │
        │ Do you want to proceed?                                          │
        │ ❯ 1. Yes                                                         │
        │   2. Yes, and don't ask again for rm commands in this project    │
        │   3. No, and tell Claude what to do differently (esc)            │
        ╰──────────────────────────────────────────────────────────────────╯
        """),
        ("error", """
        > continue

          ⎿  API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}

        \(claudeBox)
        """),
        ("complete", """
        ⏺ All 14 checks pass. Task complete: the scheduler now ages low lanes.

        \(claudeBox)
        """),
    ]

    static let codex: [(ObservedStateName, String)] = [
        ("idle", """
        >_ OpenAI Codex (v0.46.0)

        › Find and fix a bug in @filename

          100% context left · ? for shortcuts
        """),
        ("thinking", """
        › explain the lease reaper

        • Working (8s • esc to interrupt)

        › 
          98% context left
        """),
        ("working", """
        • Ran git status --short
        • Edited Sources/FlotillaHub/Hub/Hub.swift (+4 -1)

        • Working (31s • esc to interrupt)
        """),
        ("testing", """
        • Running swift test --filter HubTests

        • Working (1m 02s • esc to interrupt)
        """),
        ("waiting_input", """
        Would you like to run the following command?

          $ rm -rf build

        › 1. Yes, proceed
          2. No, and tell Codex what to do differently  esc
        """),
        ("error", """
        ■ stream error: unexpected status 500 Internal Server Error; retrying 1/5 in 200ms…

        › 
        """),
    ]

    static let gemini: [(ObservedStateName, String)] = [
        ("idle", """
        ╭──────────────────────────────────────────────────────────────╮
        │ >   Type your message or @path/to/file                       │
        ╰──────────────────────────────────────────────────────────────╯
        ~/work/main        no sandbox        gemini-2.5-pro (99% context left)
        """),
        ("thinking", """
        ⠏ Considering the request (esc to cancel, 4s)

        ╭──────────────────────────────────────────────────────────────╮
        │ >   Type your message or @path/to/file                       │
        ╰──────────────────────────────────────────────────────────────╯
        """),
        ("reading", """
        ✔  ReadFile Sources/main.swift
        ⠼ Reading the scheduler (esc to cancel, 9s)
        """),
        ("waiting_input", """
        ╭──────────────────────────────────────────────────────────────╮
        │ ?  Shell rm -rf build                                        │
        │ Allow execution of: 'rm'?                                    │
        │ ● 1. Yes, allow once                                         │
        │   2. Yes, allow always                                       │
        │   3. No, suggest changes (esc)                               │
        ╰──────────────────────────────────────────────────────────────╯
        ⠏ Waiting for user confirmation...
        """),
        ("error", """
        ✕ [API Error: Quota exceeded for quota metric 'Gemini 2.5 Pro Requests']
        ╭──────────────────────────────────────────────────────────────╮
        │ >   Type your message or @path/to/file                       │
        ╰──────────────────────────────────────────────────────────────╯
        """),
    ]

    static let aider: [(ObservedStateName, String)] = [
        ("idle", """
        Aider v0.86.1
        Main model: anthropic/claude-sonnet-4 with diff edit format
        Repo-map: using 4096 tokens, auto refresh
        ───────────────────────────────────────────
        > 
        """),
        ("thinking", """
        > add type hints to utils.py

        ░█ Waiting for anthropic/claude-sonnet-4
        """),
        ("waiting_input", """
        utils.py
        Add file to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: 
        """),
        ("testing", """
        Running pytest -q
        ....F
        """),
        ("error", """
        litellm.APIConnectionError: AnthropicException - connection refused
        > 
        """),
    ]

    static let shell: [(ObservedStateName, String)] = [
        ("idle", """
        agent@box:~/work$ ls
        Package.swift  Sources  Tests
        agent@box:~/work$ 
        """),
        ("waiting_input", """
        agent@box:~/work$ rm -ri build
        rm: descend into directory 'build'? [y/N] 
        """),
        ("error", """
        agent@box:~/work$ flotila up
        bash: flotila: command not found
        agent@box:~/work$ 
        """),
    ]
}

typealias ObservedStateName = String
