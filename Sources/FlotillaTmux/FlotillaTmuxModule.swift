/// tmux control, safe typing, state classifiers and the fleet supervisor.
public enum FlotillaTmuxModule {}
