"""Exercises of notebook 06."""

from helper.exercises import exercise
