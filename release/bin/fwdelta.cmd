@echo off
rem SPDX-License-Identifier: Apache-2.0
rem fwdelta launcher of the release zip for Windows: runs lib\fwdelta.jar with the options in
rem lib\jvm.options on the Java found in JAVA_HOME, else on the PATH (Java 17 or newer).
setlocal
set "FWDELTA_HOME=%~dp0.."
if defined JAVA_HOME (
  set "FWDELTA_JAVA=%JAVA_HOME%\bin\java.exe"
) else (
  set "FWDELTA_JAVA=java.exe"
)
"%FWDELTA_JAVA%" "@%FWDELTA_HOME%\lib\jvm.options" -jar "%FWDELTA_HOME%\lib\fwdelta.jar" %*
exit /b %ERRORLEVEL%
