package io.netctl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code netctl} command. */
@Command(
    name = "netctl",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Network data-plane control for Kubernetes on OVN.",
    subcommands = {
      CompileCommand.class,
      ApplyCommand.class,
      ControllerCommand.class,
      EgressCommand.class,
      DemoCommand.class,
      BfdCommand.class,
      StatusCommand.class,
      PoliciesCommand.class,
      ExplainCommand.class,
      DiffCommand.class,
      ServeCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit code when any input has an error diagnostic. */
  public static final int EXIT_INVALID_INPUT = 2;
  /** Exit code on an unexpected failure. */
  public static final int EXIT_FAILURE = 1;
  /** Exit code of the API clients when the server cannot be reached or does not answer in time. */
  public static final int EXIT_UNAVAILABLE = 3;
  /** Exit code of {@code explain --exit-code} (dropped) and {@code diff --exit-code} (not in sync). */
  public static final int EXIT_DIFFERENT = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          cmd.getErr().println("netctl: " + ex);
          ex.printStackTrace(cmd.getErr());
          return EXIT_FAILURE;
        });
    return cl;
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"netctl " + (v == null ? "dev" : v)};
    }
  }
}
