/// The agent runtime: executors, worktrees, verification.
public enum FlotillaAgentModule {}
