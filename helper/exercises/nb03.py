"""Exercises of notebook 03."""

from helper.exercises import exercise
