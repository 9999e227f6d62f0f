"""Pieces shared by the supervisor's and HR's workspace pages."""
