"""The main window around the tabs: the tab list, the window itself and the report dialog."""
