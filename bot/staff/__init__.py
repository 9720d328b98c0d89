"""Tools for the support staff: add a topic, check the data, read reports.

Every command here prints Dutch for the people who run it; the code and its
comments stay in English like the rest of the project.
"""
