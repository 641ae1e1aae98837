"""Exercises of notebook 04."""

from helper.exercises import exercise
