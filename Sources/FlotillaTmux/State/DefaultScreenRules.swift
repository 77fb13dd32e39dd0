/// The shipped screen rules: every pattern Flotilla knows for reading agents' screens, in one
/// place. Users extend them with their own file (see docs/fleet.md, "Screen rules").
///
/// Sources: Claude Code's own screens (busy line "✻ Thinking… (12s · ↑ 1.2k tokens · esc to
/// interrupt)", the `❯`/`>` input box, permission dialogs "Do you want to proceed? ❯ 1. Yes …
/// 2. No, and tell Claude what to do differently"), and what peers match for the same tools
/// (agent-deck's detector, claude-squad's "No, and tell Claude what to do differently", codex's
/// "esc to interrupt" and `›` prompt, gemini's "Waiting for user confirmation", aider's
/// "(Y)es/(N)o" questions).
public enum DefaultScreenRules {
    public static let yaml = #"""
    # Rules are tried top to bottom; the first whose patterns match the screen's last `tail`
    # non-empty lines names the state. `any`: one pattern must match; `all`: every one must.
    # Approval prompts come first so they beat a busy line still on screen.
    # `prompt_start` marks the first line of an approval prompt's block: auto-approve patterns
    # are matched only from there to the end of the screen (at most `prompt_lines` lines above
    # the prompt's last line when no such line is found), never against earlier output.
    kinds:
      claude:
        input_box: '^\s*[│|]?\s*[❯>]\s?(.*?)\s*[│|]?\s*$'
        placeholders: ['^Try "', '^Type your message']
        tail: 18
        input_lines: 6
        approve_keys: ["Enter"]
        clear_keys: ["C-u"]
        prompt_start: '^\s*[╭┌]|^\s*[─━]{8,}\s*$'
        prompt_lines: 14
        rules:
          - state: waiting_input
            note: permission, trust and question dialogs
            any:
              - 'Do you want to (proceed|make this edit|create|allow|run)'
              - 'No, and tell Claude what to do differently'
              - 'Yes, (and )?(allow|don.t ask)'
              - '❯\s*1\.\s*Yes'
              - 'Do you trust the files in this folder\?'
              - 'Allow this MCP server'
              - 'Approve this plan\?'
              - 'Press Enter to select|Use arrow keys to navigate'
          - state: error
            any:
              - 'API Error:? ?\d{3}'
              - 'API Error \('
              - 'Please run /login'
              - 'Credit balance is too low'
          - state: testing
            all:
              - '(esc|ctrl\+c) to interrupt|^\s*[✻✽✶✳✢·⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏*]\s*\S+…'
              - '\b(pytest|jest|vitest|npm (run )?test|swift test|cargo test|go test|make test|rspec|Running tests)\b'
          - state: working
            all:
              - '(esc|ctrl\+c) to interrupt|^\s*[✻✽✶✳✢·⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏*]\s*\S+…'
              - '[⏺●]\s*(Bash|Edit|Write|Update|MultiEdit|Create|NotebookEdit|Task)\(|\b(Running|Editing|Writing)…'
          - state: reading
            all:
              - '(esc|ctrl\+c) to interrupt|^\s*[✻✽✶✳✢·⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏*]\s*\S+…'
              - '[⏺●]\s*(Read|Grep|Glob|Search|LS|WebFetch|WebSearch)\(|\bReading…'
          - state: thinking
            any:
              - '(esc|ctrl\+c) to interrupt'
              - '^\s*[✻✽✶✳✢·⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏*]\s*\S+…'
          - state: complete
            any: ['\b(TASK COMPLETE|Task complete|All tasks (are )?(complete|done))\b']
          - state: initializing
            any: ['^\s*(Starting|Initializing|Loading)\b.*(…|\.\.\.)\s*$']
      codex:
        input_box: '^\s*[›▌>]\s?(.*?)\s*$'
        placeholders: ['^(Ask Codex|Find and fix|Explain this|Summarize|Improve|Implement|Write tests)']
        tail: 15
        approve_keys: ["y"]
        prompt_start: '^\s*[╭┌]|Would you like to|Allow command\?'
        prompt_lines: 12
        rules:
          - state: waiting_input
            any:
              - 'Allow command\?'
              - 'Would you like to (run|make) the following'
              - 'Yes, proceed'
              - '\[y/N\]|\(y/n\)'
              - 'Approve\b.*\?'
          - state: error
            any: ['^\s*■\s', 'stream error', 'error sending request', 'unexpected status \d{3}']
          - state: testing
            all: ['(esc|ctrl\+c) to interrupt', '\b(pytest|jest|npm (run )?test|swift test|cargo test|go test|make test)\b']
          - state: working
            all: ['(esc|ctrl\+c) to interrupt', '\b(Running|Ran|Edited|Applying patch|apply_patch)\b']
          - state: reading
            all: ['(esc|ctrl\+c) to interrupt', '\b(Read|Explored|Searching|Listing)\b']
          - state: thinking
            any: ['(esc|ctrl\+c) to interrupt', '^\s*[•◦]\s*Working \(']
          - state: complete
            any: ['\b(TASK COMPLETE|Task complete)\b']
      gemini:
        input_box: '^\s*[│|]?\s*>\s?(.*?)\s*[│|]?\s*$'
        placeholders: ['^Type your message']
        tail: 15
        approve_keys: ["Enter"]
        prompt_start: '^\s*[╭┌]'
        prompt_lines: 14
        rules:
          - state: waiting_input
            any:
              - 'Waiting for user confirmation'
              - 'Allow execution'
              - 'Apply this change\?'
              - '1\. Yes, allow once'
              - 'Do you want to proceed\?'
          - state: error
            any: ['\[API Error', '✕ ', 'Quota exceeded']
          - state: testing
            all: ['\(esc to cancel', '\b(pytest|jest|npm (run )?test|swift test|cargo test|go test|make test)\b']
          - state: working
            all: ['\(esc to cancel', '\b(Shell|WriteFile|Edit|Replace)\b']
          - state: reading
            all: ['\(esc to cancel', '\b(ReadFile|ReadManyFiles|ReadFolder|SearchText|FindFiles)\b']
          - state: thinking
            any: ['\(esc to cancel']
          - state: complete
            any: ['\b(TASK COMPLETE|Task complete)\b']
      aider:
        input_box: '^(?:[\w-]+)?>\s?(.*)$'
        tail: 12
        input_lines: 2
        approve_keys: ["y", "Enter"]
        prompt_lines: 3
        rules:
          - state: waiting_input
            any: ['\(Y\)es/\(N\)o', '\[Yes\]:\s*$', 'Add .* to the chat\?']
          - state: error
            any: ['litellm\.\w*Error', 'APIError', 'Traceback \(most recent call last\)']
          - state: testing
            any: ['^Running .*\b(pytest|test)\b']
          - state: thinking
            any: ['Waiting for .*…?', '^\s*[░█▒▓]+\s', 'Thinking\.\.\.']
          - state: complete
            any: ['\b(TASK COMPLETE|Task complete)\b']
      shell:
        input_box: '[$#%>]\s?(.*)$'
        tail: 10
        input_lines: 1
        prompt_lines: 1
        rules:
          - state: waiting_input
            any: ['\[[yY]/[nN]\]\s*$', '\([yY]/[nN]\)\s*$', '[Pp]assword.*:\s*$']
          - state: error
            any: ['^(Error|error|fatal|FATAL)[: ]', 'command not found']
          - state: complete
            any: ['\b(TASK COMPLETE|Task complete)\b']
    """#
}
