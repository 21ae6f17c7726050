"""Client profiles in the GUI: the profiles dialog and the run history."""
