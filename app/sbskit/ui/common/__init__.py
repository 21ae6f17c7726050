"""What every tab shares: the tab base class, workers, theme, remembered form values, crash handling."""
